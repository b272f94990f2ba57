// Datasets, inspection and the kit's fault injection as a CloudBlue client meets them.
import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

describe('datasets', () => {
  it('empty: the key, the version and the lookups, no customers or tickets', async () => {
    await h.control('POST', '/seed', { dataset: 'empty' });
    expect((await h.control('GET', '/state')).body).toEqual({
      system: 'cloudblue', dataset: 'empty', state: { version: '4.28.2.1043', api_keys: 1, customers: 0, customers_linked_to_cmp: 0, tickets: 0, notes: 0 },
    });
    expect((await h.report('customers/getcustomersreport', { gridcolumns: 'Id,TotalRows' })).body).toEqual([]);
    expect((await h.api('GET', '/tickets/types')).body.length).toBeGreaterThan(0);
    const created = await h.control('POST', '/customers', { name: 'First Customer' });
    const t = await h.api('POST', '/tickets', { CustomerId: created.body.Id, Subject: 's', Type: 'Bug', Team: 'Support' });
    expect(t.status).toBe(200);
  });

  it('demo: deterministic across re-seeds', async () => {
    const a = (await h.report('customers/getcustomersreport', { pagesize: 1000, gridcolumns: 'Id,Name,Status,PrimaryContactEmail,CreatedDate' })).body;
    await h.control('POST', '/seed', { dataset: 'demo' });
    const b = (await h.report('customers/getcustomersreport', { pagesize: 1000, gridcolumns: 'Id,Name,Status,PrimaryContactEmail,CreatedDate' })).body;
    expect(b).toEqual(a);
    expect((await h.control('GET', '/state')).body.state).toEqual({ version: '4.28.2.1043', api_keys: 1, customers: 34, customers_linked_to_cmp: 14, tickets: 8, notes: 11 });
  });
});

describe('faults', () => {
  it('429 with Retry-After and a {Message} body, then normal service', async () => {
    await h.control('POST', '/faults', { kind: 'rate_limit', path: '/webapi/v1.3/tickets/getticketsreport', retryAfterSeconds: 3, count: 1 });
    const r = await h.report('tickets/getticketsreport', { gridcolumns: 'Id' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.body).toEqual({ Message: 'Too many requests' });
    expect((await h.report('tickets/getticketsreport', { gridcolumns: 'Id' })).status).toBe(200);
  });

  it('500 on a create answers before the ticket is written', async () => {
    await h.control('POST', '/faults', { kind: 'status', status: 503, method: 'POST', path: '/webapi/v1.3/tickets', count: 1 });
    const body = { CustomerId: 1001, Subject: 'x', Type: 'Bug', Team: 'Support' };
    const r = await h.api('POST', '/tickets', body);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ Message: 'Injected fault' });
    expect((await h.control('GET', '/state')).body.state.tickets).toBe(8);
    expect((await h.api('POST', '/tickets', body)).status).toBe(200);
  });

  it('malformed body and dropped connection', async () => {
    await h.control('POST', '/faults', { kind: 'malformed', path: '/webapi/v1.3/customers/**', count: 1 });
    const res = await fetch(`${h.emu.apiUrl}/customers/getcustomersreport?api_key=${h.emu.credentials.api_key}`);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    await h.control('POST', '/faults', { kind: 'drop', path: '/webapi/v1.3/system', count: 1 });
    await expect(fetch(`${h.emu.apiUrl}/system/getversion?api_key=${h.emu.credentials.api_key}`)).rejects.toThrow();
    expect((await h.api('GET', '/system/getversion')).status).toBe(200);
  });

  it('the request log records API calls (with the query, so the key is visible there, as in IIS logs)', async () => {
    await h.api('GET', '/tickets/types');
    const log = await h.control('GET', '/requests');
    expect(log.body.items.at(-1)).toMatchObject({ method: 'GET', path: '/webapi/v1.3/tickets/types', status: 200 });
  });
});
