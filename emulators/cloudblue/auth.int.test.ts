// The API key (query parameter as documented; api_key / X-API-Key header as proposed) and the
// version endpoint a connector checks for "CloudBlue PSA 4.25 or later".
import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

const denied = { Message: 'Authorization has been denied for this request.' };

describe('api key', () => {
  it('is accepted as the api_key query parameter, whatever the case of its name', async () => {
    expect((await h.api('GET', '/tickets/types')).status).toBe(200);
    const key = encodeURIComponent(h.emu.credentials.api_key);
    expect((await h.api('GET', `/tickets/types?API_KEY=${key}`, undefined, { key: null })).status).toBe(200);
  });

  it('is accepted in an api_key or X-API-Key header (proposed)', async () => {
    const key = h.emu.credentials.api_key;
    expect((await h.api('GET', '/tickets/types', undefined, { key: null, headers: { api_key: key } })).status).toBe(200);
    expect((await h.api('GET', '/tickets/types', undefined, { key: null, headers: { 'X-API-Key': key } })).status).toBe(200);
  });

  it('answers a missing, wrong or conflicting key with 401 and the ASP.NET message, on every route', async () => {
    for (const path of ['/tickets/types', '/system/getversion', '/customers/1001', '/customers/getcustomersreport', '/tickets/getticketsreport']) {
      const none = await h.api('GET', path, undefined, { key: null });
      expect(none.status).toBe(401);
      expect(none.body).toEqual(denied);
      const wrong = await h.api('GET', path, undefined, { key: 'not-a-key' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(denied);
    }
    const conflict = await h.api('GET', '/tickets/types', undefined, { headers: { api_key: 'other' } });
    expect(conflict.status).toBe(401);
    const empty = await h.api('GET', '/tickets/types', undefined, { key: '' });
    expect(empty.status).toBe(401);
  });

  it('checks the key before reading the body: a write without a key changes nothing', async () => {
    const before = (await h.control('GET', '/state')).body.state.tickets;
    const r = await h.api('POST', '/tickets', { CustomerId: 1001, Subject: 'x', Type: 'Bug', Team: 'Support' }, { key: null });
    expect(r.status).toBe(401);
    expect((await h.control('GET', '/state')).body.state.tickets).toBe(before);
  });

  it('follows keys added and revoked through the control API', async () => {
    const added = await h.control('POST', '/api-keys', { name: 'second', userName: 'Second User' });
    expect(added.status).toBe(201);
    expect((await h.api('GET', '/tickets/types', undefined, { key: added.body.key })).status).toBe(200);
    expect((await h.control('DELETE', `/api-keys/${added.body.key}`)).status).toBe(204);
    expect((await h.api('GET', '/tickets/types', undefined, { key: added.body.key })).status).toBe(401);
    const list = await h.control('GET', '/api-keys');
    expect(list.body.items.map((k: { key: string }) => k.key)).toEqual([h.emu.credentials.api_key]);
  });

  it('is the same in every dataset and after a re-seed', async () => {
    const key = h.emu.credentials.api_key;
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    for (const dataset of ['empty', 'large', 'demo']) {
      const r = await h.control('POST', '/seed', { dataset });
      expect(r.body.credentials).toEqual({ api_key: key });
    }
  });

  it('answers unknown routes with 404 {Message}', async () => {
    const r = await h.api('GET', '/widgets');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ Message: expect.any(String) });
    const bad = await h.api('GET', '/tickets/abc');
    expect(bad.status).toBe(404);
    expect(bad.body.Message).toMatch(/No HTTP resource/);
  });
});

describe('version', () => {
  it('reports the product version, settable through the control API, reset by a re-seed', async () => {
    const r = await h.api('GET', '/system/getversion');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ Product: 'CloudBlue PSA', Version: '4.28.2.1043', ApiVersion: '1.3' });
    const set = await h.control('PUT', '/version', { version: '4.24.3' });
    expect(set.body).toEqual({ version: '4.24.3' });
    expect((await h.api('GET', '/system/getversion')).body.Version).toBe('4.24.3');
    expect((await h.control('PUT', '/version', { version: 'latest' })).status).toBe(400);
    await h.control('POST', '/seed', { dataset: 'demo' });
    expect((await h.api('GET', '/system/getversion')).body.Version).toBe('4.28.2.1043');
  });
});
