// The ConnectWise connector against its emulator over real HTTP: each wrong credential gets its own
// message, paging is forward-only, 429 + Retry-After is honoured, additions become contract lines as
// seed 002 §9 states, usage is level-triggered, tickets live on boards, callbacks are verified.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../kit/paging.ts';
import { isConnectorError } from '../kit/errors.ts';
import { createConnectWiseTarget } from './target.ts';
import { startConnectWiseHarness, type ConnectWiseHarness } from './test-support.ts';

let h: ConnectWiseHarness;
beforeAll(async () => {
  h = await startConnectWiseHarness('demo');
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/seed', { dataset: 'demo' });
  await h.control('PUT', '/rate-limit', { limit: null, reset: true });
  await h.control('DELETE', '/faults');
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    if (isConnectorError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('credentials: each mistake has its own message', () => {
  it('an unknown company', async () => {
    const t = createConnectWiseTarget({ credentials: { ...h.credentials(), companyId: 'nosuchco' } });
    const f = await failure(t.testConnection());
    expect(f.code).toBe('auth_failed');
    expect(f.message).toMatch(/does not know the company 'nosuchco'/);
  });

  it('wrong keys (401, and 404 as cloud sites answer)', async () => {
    const t = createConnectWiseTarget({ credentials: { ...h.credentials(), privateKey: 'wrong' }, retry: { maxAttempts: 1 } });
    const f = await failure(t.testConnection());
    expect(f.code).toBe('auth_failed');
    expect(f.message).toMatch(/rejected the API keys of company 'emulator_msp'.*public and private key/);
    await h.control('PUT', '/settings', { wrongAuthStatus: 404 });
    const g = await failure(createConnectWiseTarget({ credentials: { ...h.credentials(), publicKey: 'wrong' }, retry: { maxAttempts: 1 } }).testConnection());
    expect(g.message).toMatch(/rejected the API keys/);
    await h.control('PUT', '/settings', { wrongAuthStatus: 401 });
  });

  it('a wrong clientId', async () => {
    const t = createConnectWiseTarget({ credentials: { ...h.credentials(), clientId: '00000000-0000-0000-0000-000000000000' } });
    const f = await failure(t.testConnection());
    expect(f.code).toBe('auth_failed');
    expect(f.message).toMatch(/refused the clientId.*developer network/);
  });

  it('the right ones name the MSP, the site and the codebase', async () => {
    const { target } = h.target();
    const check = await target.testConnection();
    expect(check.displayName).toMatch(/^Emulator MSP, ConnectWise 127\.0\.0\.1:\d+ \(v4_6_release\) as company emulator_msp$/);
    expect(check.warnings).toEqual([]);
  });
});

describe('directory', () => {
  it('lists companies with status, type and default contact; never the MSP itself', async () => {
    const { target } = h.target();
    const all = await collect(target.directory.listCompanies({ includeInactive: true }));
    expect(all.map((c) => c.name)).not.toContain('Emulator MSP');
    const first = all.find((c) => c.id === '250');
    expect(first).toMatchObject({ type: 'Client', active: true, externalRefs: { identifier: expect.any(String), status: 'Active' } });
    expect(first?.primaryContact?.email).toMatch(/@/);
    const active = await collect(target.directory.listCompanies());
    expect(active.length).toBeLessThan(all.length);
    expect(active.every((c) => c.active)).toBe(true);
    const prospects = await collect(target.directory.listCompanies({ types: ['Prospect'] }));
    expect(prospects.length).toBeGreaterThan(0);
    expect(prospects.every((c) => c.type === 'Prospect')).toBe(true);
  });

  it('incremental: a company a technician changed, and a company whose default contact changed', async () => {
    const { target } = h.target();
    const since = new Date(Date.now() - 1000).toISOString();
    expect(await collect(target.directory.listCompanies({ updatedSince: since }))).toEqual([]);
    await h.control('POST', '/changes', { resource: 'companies', id: 251, set: { name: 'Renamed Ltd' } });
    const contact = (await h.control<{ items?: { id: number; company: { id: number }; defaultFlag: boolean }[] }>('GET', '/entities/contacts?limit=500')) as unknown as { id: number; company?: { id: number }; defaultFlag?: boolean }[] | { items: { id: number; company?: { id: number }; defaultFlag?: boolean }[] };
    const rows = Array.isArray(contact) ? contact : contact.items;
    const ofCompany = rows.find((c) => c.company?.id === 256 && c.defaultFlag === true);
    expect(ofCompany).toBeDefined();
    await h.control('POST', '/changes', { resource: 'contacts', id: ofCompany?.id, set: { lastName: 'Changed' } });
    const changed = await collect(target.directory.listCompanies({ updatedSince: since }));
    expect(changed.map((c) => c.id).sort()).toEqual(['251', '256']);
    expect(changed.find((c) => c.id === '256')?.primaryContact?.lastName).toBe('Changed');
  });

  it('pages forward-only: 10,000+ companies in a dozen calls per kind', async () => {
    await h.control('POST', '/seed', { dataset: 'large' });
    const { target, calls } = h.target();
    const companies = await collect(target.directory.listCompanies({ includeInactive: true }));
    expect(companies.length).toBeGreaterThan(10_000);
    expect(calls.total({ operation: 'list companies' })).toBeLessThanOrEqual(12);
    expect(calls.total()).toBeLessThan(80);
  }, 60_000);
});

describe('rate limit', () => {
  it('waits out a 429 with Retry-After and carries on', async () => {
    const { target, sleeps } = h.target();
    await h.control('POST', '/faults', { kind: 'rate_limit', retryAfterSeconds: 2, count: 2, path: '/v4_6_release/apis/3.0/company/companies' });
    const companies = await collect(target.directory.listCompanies());
    expect(companies.length).toBeGreaterThan(20);
    expect(sleeps.filter((ms) => ms === 2000)).toHaveLength(2);
    expect((await target.apiBudget()).rateLimited).toBeGreaterThanOrEqual(2);
  });

  it('a Retry-After beyond the cap fails fast with rate_limited so the job runner waits', async () => {
    const { target } = h.target();
    await h.control('POST', '/faults', { kind: 'rate_limit', retryAfterSeconds: 600, path: '/v4_6_release/apis/3.0/company/companies' });
    const f = await failure(collect(target.directory.listCompanies()));
    expect(f.code).toBe('rate_limited');
    expect(f.message).toMatch(/wait 600 s/);
  });
});

describe('contracts: agreement additions (seed 002 §9)', () => {
  it('prepaid = total quantity, PAYG marked by the addition field, mixed under one product allowed', async () => {
    const { target } = h.target();
    expect(target.capabilities.contracts).toMatchObject({ allowMixedBilling: true });
    // Combine prepaid and PAYG under one product (rule 5): a prepaid addition next to a PAYG one.
    const before = await collect(target.contracts.listContracts());
    const withPayg = before.find((c) => c.active && c.lines.some((l) => l.billing === 'payg'));
    const paygLine = withPayg?.lines.find((l) => l.billing === 'payg');
    await h.control('POST', '/changes', { resource: 'additions', action: 'create', parentId: Number(withPayg?.id), set: { product: { id: Number(paygLine?.productId) }, quantity: 10, billCustomer: 'Billable' } });
    const contracts = await collect(target.contracts.listContracts());
    const lines = contracts.flatMap((c) => c.lines);
    expect(lines.some((l) => l.billing === 'prepaid' && l.quantity > 0)).toBe(true);
    expect(lines.some((l) => l.billing === 'payg')).toBe(true);
    // Every 4th demo agreement holds prepaid + PAYG additions of the same product.
    const mixed = contracts.find((c) => {
      const byProduct = new Map<string, Set<string>>();
      for (const l of c.lines) byProduct.set(l.productId, (byProduct.get(l.productId) ?? new Set()).add(l.billing));
      return [...byProduct.values()].some((s) => s.size === 2);
    });
    expect(mixed).toBeDefined();
    expect(mixed?.billing).toBe('payg');
    const cancelled = contracts.find((c) => !c.active);
    expect(cancelled?.lines.every((l) => !l.active)).toBe(true);
  });

  it('a technician ticking "Acronis PAYG" turns the addition pay-as-you-go', async () => {
    const { target } = h.target();
    const [contract] = await collect(target.contracts.listContracts({ companyIds: ['250'] }));
    const prepaid = contract?.lines.find((l) => l.billing === 'prepaid');
    expect(prepaid).toBeDefined();
    await h.control('POST', '/changes', { resource: 'additions', parentId: Number(contract?.id), id: Number(prepaid?.lineId), set: { customFields: [{ id: 7, value: true }] } });
    const [again] = await collect(target.contracts.listContracts({ companyIds: ['250'] }));
    expect(again?.lines.find((l) => l.lineId === prepaid?.lineId)?.billing).toBe('payg');
  });

  it('usage is level-triggered: read, then PATCH only when different', async () => {
    const { target, calls } = h.target();
    const contracts = await collect(target.contracts.listContracts());
    const line = contracts.flatMap((c) => c.lines).find((l) => l.billing === 'payg' && l.active);
    if (line === undefined) throw new Error('no PAYG line');
    calls.reset();
    const first = await target.usage.setBilledQuantity(line, 17, { effectiveDate: new Date().toISOString(), idempotencyKey: 'k1' });
    const second = await target.usage.setBilledQuantity(line, 17, { effectiveDate: new Date().toISOString(), idempotencyKey: 'k1' });
    expect(first).toEqual({ previous: 0, quantity: 17, changed: true });
    expect(second).toEqual({ previous: 17, quantity: 17, changed: false });
    expect(calls.total({ method: 'PATCH' })).toBe(1);
    expect(await target.usage.readBilledQuantity(line, new Date())).toBe(17);
  });
});

describe('tickets per service board', () => {
  it('picklists: types, subtypes and statuses hang under their board (subtypes under their types)', async () => {
    const { target } = h.target();
    const lists = await target.tickets.picklists();
    expect(lists.board?.map((b) => b.label)).toEqual(['Professional Services', 'Help Desk']);
    const helpDesk = lists.board?.find((b) => b.label === 'Help Desk')?.value;
    const types = lists.type?.filter((t) => t.parent === helpDesk) ?? [];
    expect(types.map((t) => t.label)).toEqual(['Break-fix', 'Maintenance', 'Request']);
    const breakfix = types[0]?.value as string;
    const quota = lists.subtype?.find((s) => s.label === 'Quota' && (s.parent as string[]).includes(breakfix));
    expect(quota).toBeDefined();
    expect(lists.status?.filter((s) => s.parent === helpDesk).map((s) => s.label)).toContain('Completed');
    expect(lists.priority?.length).toBe(5);
  });

  it('creates on the chosen board with type, subtype, status and priority, found again by externalXRef', async () => {
    const { target } = h.target();
    const lists = await target.tickets.picklists();
    const board = lists.board?.find((b) => b.label === 'Help Desk')?.value as string;
    const type = lists.type?.find((t) => t.parent === board && t.label === 'Break-fix')?.value as string;
    const subtype = lists.subtype?.find((s) => s.label === 'Quota' && (s.parent as string[]).includes(type))?.value as string;
    const status = lists.status?.find((s) => s.parent === board && s.label === 'New')?.value as string;
    const priority = lists.priority?.find((p) => p.label.startsWith('Priority 2'))?.value as string;
    const ref = 'pb:0123456789abcdef:1:QuotaExceeded';
    const made = await target.tickets.createTicket({ companyId: '250', title: 'Quota exceeded', description: 'details', externalRef: ref, fields: { board, type, subtype, status, priority } });
    expect(made.created).toBe(true);
    const row = await h.control<Record<string, any>>('GET', `/entities/tickets/${made.ticket.id}`);
    expect(row).toMatchObject({ board: { name: 'Help Desk' }, type: { name: 'Break-fix' }, subType: { name: 'Quota' }, status: { name: 'New' }, priority: { name: 'Priority 2 - Quick Response' }, externalXRef: ref });
    const again = await target.tickets.createTicket({ companyId: '250', title: 'Quota exceeded', description: 'details', externalRef: ref, fields: { board } });
    expect(again).toMatchObject({ created: false, ticket: { id: made.ticket.id } });
  });

  it('a create whose answer is lost is found by its reference, not made twice', async () => {
    const { target } = h.target();
    await h.control('POST', '/faults', { kind: 'drop', method: 'POST', path: '/v4_6_release/apis/3.0/service/tickets', count: 1 });
    const ref = 'pb:fedcba9876543210:1:BackupFailed';
    const made = await target.tickets.createTicket({ companyId: '251', title: 'Backup failed', description: 'd', externalRef: ref, fields: {} });
    expect(made.ticket.externalRef).toBe(ref);
    expect(await target.tickets.findTicketsByExternalRef({ exact: ref })).toHaveLength(1);
  });
});

describe('callbacks', () => {
  // ConnectWise signs with a key it serves; the secret the hub would choose is not used.
  const unused = { secret: 'unused' };
  it('registers company, agreement and ticket callbacks once, and removes them', async () => {
    const { target } = h.target();
    const url = 'http://127.0.0.1:9/api/v1/callbacks/connectwise/x';
    const first = await target.callbacks.register(url, ['company', 'contract', 'ticket'], unused);
    const second = await target.callbacks.register(url, ['company', 'contract', 'ticket'], unused);
    expect(first.map((c) => c.entity).sort()).toEqual(['company', 'contract', 'ticket']);
    expect(second.map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
    const rows = await h.control<Record<string, unknown>[]>('GET', '/entities/callbacks');
    const list = Array.isArray(rows) ? rows : (rows as { items: Record<string, unknown>[] }).items;
    expect(list.every((r) => r.isSelfSuppressedFlag === true && r.level === 'owner')).toBe(true);
    expect(await target.callbacks.unregister(url)).toBe(3);
    expect(await target.callbacks.list(url)).toEqual([]);
  });

  it('verifies signatures with the key from key_url; refuses unsigned, wrongly signed and foreign key URLs', async () => {
    const { target } = h.target();
    const key = await h.control<{ key_url?: string; url?: string; signing_key?: string; key?: string }>('GET', '/callbacks/key');
    const keyUrl = key.key_url ?? key.url ?? '';
    const signingKey = key.signing_key ?? key.key ?? '';
    expect(keyUrl).toMatch(/^http/);
    const body = JSON.stringify({ Action: 'updated', Type: 'agreement', ID: 77, CompanyId: 'emulator_msp', MemberId: 'jsmith', Entity: JSON.stringify({ id: 77, company: { id: 250 } }), Metadata: { key_url: keyUrl } });
    const sign = (k: string, b: string) => createHmac('sha256', createHash('sha256').update(k).digest()).update(b).digest('base64');
    const event = await target.callbacks.verify({ rawBody: body, headers: { 'x-content-signature': sign(signingKey, body) } }, unused);
    expect(event).toEqual({ entity: 'contract', action: 'updated', id: '77', companyId: '250' });
    expect((await failure(target.callbacks.verify({ rawBody: body, headers: {} }, unused))).message).toMatch(/no x-content-signature/);
    expect((await failure(target.callbacks.verify({ rawBody: body, headers: { 'x-content-signature': sign('other', body) } }, unused))).code).toBe('auth_failed');
    const foreign = body.replace(keyUrl, 'http://evil.example/key');
    expect((await failure(target.callbacks.verify({ rawBody: foreign, headers: { 'x-content-signature': sign('x', foreign) } }, unused))).message).toMatch(/not on the integration's ConnectWise site/);
  });
});
