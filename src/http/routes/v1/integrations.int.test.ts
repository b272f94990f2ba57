import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../../test/support/databases.ts';
import { startHub, type TestHub } from '../../../../test/support/hub.ts';
import { TARGET_MANIFESTS } from '../../../connectors/registry.ts';

const SECRET = 'autotask-secret-0123456789';
const CODE = 'INTEGRATION-CODE-XYZ';
const NEW_SECRET = 'replaced-secret-9876543210';

describe.each(testDatabases())('integrations API on $name', (db) => {
  let hub: TestHub;
  let auth: Record<string, string>;
  let connectionId: string;

  beforeEach(async () => {
    hub = await startHub(db);
    auth = await hub.tokenHeaders();
    const connection = await hub.store.repos.connections.create({
      name: 'eu2',
      baseUrl: 'https://eu2-cloud.example.com',
      clientId: 'client',
      clientSecret: 'vendor-secret-123',
    });
    connectionId = connection.id;
  });
  afterEach(async () => {
    await hub.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    hub.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });

  const create = (overrides: Record<string, unknown> = {}) =>
    call('POST', '/integrations', {
      name: 'Autotask prod',
      target: 'autotask',
      connectionId,
      credentials: { username: 'api@example.com', secret: SECRET, integrationCode: CODE },
      features: { provisioning: true },
      ...overrides,
    });

  it('refuses a target URL inside the network on create and on update, naming the field and how to widen the policy', async () => {
    const internal = await create({ credentials: { username: 'api@example.com', secret: SECRET, integrationCode: CODE, discoveryUrl: 'http://10.1.2.3/ATServicesRest/' } });
    expect(internal.statusCode).toBe(400);
    expect(internal.json().error).toMatchObject({ code: 'target_host_not_allowed', message: expect.stringContaining('body.credentials.discoveryUrl') });
    expect(internal.json().error.message).toContain('PSA_BRIDGE_VENDOR_HOSTS');
    expect(await hub.store.repos.integrations.list()).toEqual([]);

    const created = (await create()).json();
    const moved = await call('PATCH', `/integrations/${created.id}`, { credentials: { discoveryUrl: 'http://169.254.169.254/', secret: NEW_SECRET, integrationCode: CODE } });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'target_host_not_allowed', message: expect.stringContaining('body.credentials.discoveryUrl') });
    expect((await hub.store.repos.integrations.getCredentials(created.id)).discoveryUrl).toBeUndefined();
  });

  it('creates, reads, lists, patches and deletes an integration without ever returning its credentials', async () => {
    const created = await create();
    expect(created.statusCode).toBe(201);
    const integration = created.json();
    expect(integration).toMatchObject({
      name: 'Autotask prod',
      target: 'autotask',
      connection: { id: connectionId, name: 'eu2' },
      enabled: true,
      features: { provisioning: true, tickets: false },
      credentials: { stored: ['username', 'secret', 'integrationCode'] },
      health: { status: 'never_run', loops: [] },
    });

    const responses = [
      created,
      await call('GET', '/integrations'),
      await call('GET', `/integrations/${integration.id}`),
      await call('PATCH', `/integrations/${integration.id}`, { features: { tickets: true }, credentials: { secret: NEW_SECRET } }),
    ];
    for (const res of responses) {
      expect(res.statusCode).toBeLessThan(300);
      for (const secret of [SECRET, CODE, NEW_SECRET, 'api@example.com']) expect(res.body).not.toContain(secret);
    }
    expect(responses[1]!.json().items).toHaveLength(1);
    expect(responses[3]!.json()).toMatchObject({ features: { provisioning: true, tickets: true } });
    // A partial replacement keeps the other fields.
    expect(await hub.store.repos.integrations.getCredentials(integration.id)).toEqual({
      username: 'api@example.com',
      secret: NEW_SECRET,
      integrationCode: CODE,
    });

    expect((await call('DELETE', `/integrations/${integration.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/integrations/${integration.id}`)).statusCode).toBe(404);

    const audit = await hub.store.repos.auditLog.list({ subjectType: 'integration' });
    expect(audit.map((a) => a.action).sort()).toEqual(['integration.create', 'integration.delete', 'integration.update']);
    const auditText = JSON.stringify(audit);
    for (const secret of [SECRET, CODE, NEW_SECRET]) {
      expect(auditText).not.toContain(secret);
      expect(hub.logs.join('\n')).not.toContain(secret);
    }
    expect(audit.find((a) => a.action === 'integration.update')!.details).toMatchObject({ changed: ['features', 'credentials'] });
  });

  it('validates credentials per target and names the field to fix', async () => {
    const missing = await create({ target: 'connectwise', credentials: { site: 'api-na.myconnectwise.net' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('privateKey');

    const badUrl = await create({ target: 'cloudblue', credentials: { siteUrl: 'not a url', apiKey: 'k' } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.message).toMatch(/siteUrl.*http\(s\) URL/);

    const unknownField = await create({ credentials: { username: 'u', secret: 's', integrationCode: 'c', extra: 'x' } });
    expect(unknownField.statusCode).toBe(400);

    const unknownConnection = await create({ connectionId: 'nope' });
    expect(unknownConnection.statusCode).toBe(400);
    expect(unknownConnection.json().error.message).toContain('connectionId');

    expect((await create()).statusCode).toBe(201);
    const duplicate = await create();
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('name_taken');

    const id = (await call('GET', '/integrations')).json().items[0].id;
    const emptied = await call('PATCH', `/integrations/${id}`, { credentials: { secret: '' } });
    expect(emptied.statusCode).toBe(400);
    expect(emptied.json().error.message).toContain('body.credentials.secret');
  });

  it('reports health from the latest run of each loop, and lists runs newest first', async () => {
    const { id } = (await create()).json();
    const runs = hub.store.repos.loopRuns;
    const first = await runs.start(id, 'directory');
    await runs.finish(first.id, { status: 'succeeded', stats: { observed: 3 } });
    expect((await call('GET', `/integrations/${id}`)).json().health.status).toBe('ok');

    const failing = await runs.start(id, 'alerts');
    await runs.finish(failing.id, { status: 'failed', error: 'Autotask answered 401: the API user is locked' });
    const health = (await call('GET', '/integrations')).json().items[0].health;
    expect(health.status).toBe('failed');
    expect(health.reason).toBe('The last alerts pass failed: Autotask answered 401: the API user is locked');
    expect(health.loops.map((run: { loop: string }) => run.loop)).toEqual(['alerts', 'directory']);
    expect(health.loops[0]).toMatchObject({ status: 'failed', runStatus: 'failed', reason: 'Autotask answered 401: the API user is locked' });

    const listed = await call('GET', `/integrations/${id}/runs?limit=10`);
    expect(listed.json().items.map((run: { loop: string }) => run.loop)).toEqual(['alerts', 'directory']);
    expect((await call('GET', `/integrations/${id}/runs?loop=directory`)).json().items).toHaveLength(1);

    await call('PATCH', `/integrations/${id}`, { enabled: false });
    expect((await call('GET', `/integrations/${id}`)).json().health.status).toBe('disabled');
  });

  it('describes each target from its manifest and offers only targets with a connector', async () => {
    const targets = (await call('GET', '/targets')).json().items;
    expect(targets.map((t: { target: string }) => t.target)).toEqual(TARGET_MANIFESTS.map((manifest) => manifest.id));
    expect(targets.map((t: { target: string }) => t.target)).toEqual(expect.arrayContaining(['autotask', 'connectwise', 'cloudblue']));
    const autotask = targets.find((t: { target: string }) => t.target === 'autotask');
    expect(autotask.fields.map((f: { name: string }) => f.name)).toEqual(['username', 'secret', 'integrationCode', 'discoveryUrl']);
    expect(autotask).toMatchObject({
      canTest: true,
      kind: 'psa',
      fields: expect.arrayContaining([expect.objectContaining({ name: 'discoveryUrl', kind: 'url', optional: true, endpoint: true, secret: false })]),
      words: { company: 'account', product: 'service', companyMapping: 'Customer mapping' },
      capabilities: { catalog: expect.objectContaining({ bundles: true }), tickets: expect.objectContaining({ close: true, reopen: true }), marketplace: false },
    });
    expect(autotask.tickets.fields).toContainEqual({ name: 'subIssueType', label: 'Sub-Issue Type', required: false, parent: 'issueType' });
    const cloudblue = targets.find((t: { target: string }) => t.target === 'cloudblue');
    expect(cloudblue).toMatchObject({ capabilities: { catalog: false, marketplace: true }, tickets: { recurrenceWhenUnset: 'new_always' } });
    expect(cloudblue.tabs).not.toContain('product-mapping');
    // The older path serves the same description.
    expect((await call('GET', '/integrations/targets')).json().items).toEqual(targets);
    // Nothing of a manifest that is code or secret leaves the hub.
    expect(JSON.stringify(targets)).not.toMatch(/createTarget|checkCredentials|settingsSchema/);

    // A target without a connector is not offered, and nothing can be stored or tested for it.
    for (const absent of ['no-such-target']) {
      expect(targets.some((t: { target: string }) => t.target === absent)).toBe(false);
      const test = await call('POST', '/integrations/test', { target: absent, credentials: { vendorKey: 'a' } });
      expect(test.statusCode).toBe(400);
      const create = await call('POST', '/integrations', { name: 'x', target: absent, connectionId: 'c', credentials: {} });
      expect(create.statusCode).toBe(400);
    }
  });

  it('requires the CSRF header for cookie-authenticated changes', async () => {
    const session = await hub.sessionHeaders();
    const withoutHeader = await hub.app.inject({
      method: 'PATCH',
      url: '/api/v1/integrations/x',
      headers: { cookie: session.cookie! },
      payload: { enabled: false },
    });
    expect(withoutHeader.statusCode).toBe(403);
  });
});
