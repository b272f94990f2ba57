// Callbacks delivered to a real local receiver, verified the way a consumer does it: fetch the
// signing key from the payload's Metadata.key_url, HMAC-SHA256 the raw body with SHA-256(key).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

let h: Harness;
let receiver: Server;
let receiverUrl = '';
let received: Received[] = [];

beforeAll(async () => {
  h = await startHarness('demo');
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ url: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cw/hook`;
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(async () => {
  await h.control('POST', '/seed', { dataset: 'demo' });
  received = [];
});

async function verify(r: Received): Promise<boolean> {
  const keyUrl = r.body.Metadata.key_url as string;
  const keyRes = await fetch(keyUrl);
  const { signing_key } = (await keyRes.json()) as { signing_key: string };
  const key = createHash('sha256').update(signing_key).digest();
  const expected = Buffer.from(createHmac('sha256', key).update(r.raw).digest('base64'));
  const got = Buffer.from(String(r.headers['x-content-signature'] ?? ''));
  return expected.length === got.length && timingSafeEqual(expected, got);
}

const register = (body: Record<string, unknown>) => h.api('POST', '/system/callbacks', { url: receiverUrl, objectId: 1, level: 'owner', description: 'psa-bridge', ...body });
const flush = () => h.control('POST', '/callbacks/flush');

describe('callbacks', () => {
  it('delivers a signed payload when a technician changes a company', async () => {
    const cb = await register({ type: 'company' });
    expect(cb.status).toBe(201);
    expect(cb.body).toMatchObject({ type: 'company', level: 'owner', objectId: 1, inactiveFlag: false, memberId: 101 });
    const change = await h.control('POST', '/changes', { resource: 'companies', id: 250, set: { status: { name: 'Credit Hold' } } });
    expect(change.status).toBe(200);
    await flush();
    expect(received).toHaveLength(1);
    const r = received[0] as Received;
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(new URL(r.url, 'http://x').searchParams.get('action')).toBe('updated');
    expect(new URL(r.url, 'http://x').searchParams.get('id')).toBe('250');
    expect(r.body).toMatchObject({ Action: 'updated', Type: 'company', ID: 250, CompanyId: 'emulator_msp', MemberId: 'jsmith', CallbackObjectRecId: cb.body.id, Metadata: { key_url: expect.stringContaining('/v4_6_release/system/callbackkey/') } });
    const entity = JSON.parse(r.body.Entity);
    expect(entity).toMatchObject({ id: 250, status: { name: 'Credit Hold' }, _info: { updatedBy: 'jsmith' } });
    expect(await verify(r)).toBe(true);
    // The connectwise-rest library re-serialises the parsed body; that gives the same bytes.
    expect(JSON.stringify(JSON.parse(r.raw))).toBe(r.raw);
    // A tampered body does not verify.
    expect(await verify({ ...r, raw: r.raw.replace('Credit Hold', 'Active') })).toBe(false);
  });

  it('matches levels: tickets on one board, agreements through their additions, deletes', async () => {
    await register({ type: 'ticket', level: 'board', objectId: 2 });
    await register({ type: 'agreement' });
    await h.control('POST', '/changes', { resource: 'tickets', id: 3000, set: { summary: 'board 1 ticket' } });
    const helpDesk = (await h.api('GET', '/service/tickets?conditions=board/id=2')).body[0];
    await h.api('PATCH', `/service/tickets/${helpDesk.id}`, [{ op: 'replace', path: 'priority', value: { id: 1 } }]);
    await h.api('PATCH', '/finance/agreements/70/additions/500', [{ op: 'replace', path: 'quantity', value: 42 }]);
    await flush();
    expect(received.map((r) => [r.body.Type, r.body.Action, r.body.ID, r.body.MemberId])).toEqual([
      ['ticket', 'updated', helpDesk.id, 'psabridge'],
      ['agreement', 'updated', 70, 'psabridge'],
    ]);
    received = [];
    const created = await h.api('POST', '/service/tickets', { summary: 'New on help desk', company: { id: 250 }, board: { id: 2 } });
    await h.api('DELETE', `/service/tickets/${created.body.id}`);
    await flush();
    expect(received.map((r) => r.body.Action)).toEqual(['added', 'deleted']);
    for (const r of received) expect(await verify(r)).toBe(true);
  });

  it('skips callbacks on skipCallback, inactive callbacks and self-suppressed changes', async () => {
    await register({ type: 'ticket' });
    const selfSuppressed = await register({ type: 'company', isSelfSuppressedFlag: true });
    await h.api('PATCH', '/service/tickets/3000', [{ op: 'replace', path: 'summary', value: 'quiet' }, { op: 'replace', path: 'skipCallback', value: true }]);
    await h.api('PATCH', '/company/companies/250', [{ op: 'replace', path: 'name', value: 'Renamed by the integration' }]);
    await h.control('POST', '/changes', { resource: 'companies', id: 250, set: { name: 'Renamed by a technician' } });
    await flush();
    expect(received.map((r) => [r.body.Type, r.body.MemberId])).toEqual([['company', 'jsmith']]);
    received = [];
    await h.api('PATCH', `/system/callbacks/${selfSuppressed.body.id}`, [{ op: 'replace', path: 'inactiveFlag', value: true }]);
    await h.control('POST', '/changes', { resource: 'companies', id: 250, set: { name: 'Again' } });
    await flush();
    expect(received).toHaveLength(0);
  });

  it('signs with a rotated key while the old key URL keeps answering, and logs deliveries', async () => {
    await register({ type: 'company' });
    await h.control('POST', '/changes', { resource: 'companies', id: 251, set: { name: 'One' } });
    await flush();
    const oldKeyUrl = received[0]?.body.Metadata.key_url as string;
    const rotated = await h.control('POST', '/callbacks/rotate-key');
    expect(rotated.body.key_url).not.toBe(oldKeyUrl);
    await h.control('POST', '/changes', { resource: 'companies', id: 251, set: { name: 'Two' } });
    await flush();
    expect(received[1]?.body.Metadata.key_url).toBe(rotated.body.key_url);
    expect(await verify(received[0] as Received)).toBe(true);
    expect(await verify(received[1] as Received)).toBe(true);
    expect((await fetch(oldKeyUrl)).status).toBe(200);
    const log = (await h.control('GET', '/callbacks/deliveries')).body;
    expect(log.items.map((d: any) => d.status)).toEqual([200, 200]);
  });

  it('validates callback registrations', async () => {
    const bad = await h.api('POST', '/system/callbacks', { url: 'not a url', objectId: 1, type: 'widget', level: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['type', 'url']);
    const badLevel = await h.api('POST', '/system/callbacks', { url: receiverUrl, objectId: 1, type: 'ticket', level: 'territory' });
    expect(badLevel.body.errors[0]).toMatchObject({ field: 'level' });
    expect((await h.api('GET', `/system/callbacks?conditions=${encodeURIComponent('url contains "/cw/hook"')}`)).body).toEqual([]);
  });
});
