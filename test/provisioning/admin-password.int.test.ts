import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../emulators/acronis/routes/users.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { mapToNew } from '../../src/sync/mapping-actions.ts';
import { runMappingJobs } from '../../src/sync/mapping-job.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

const FIRST = 'First-Manual-Passw0rd!';
const SECOND = 'Second-Manual-Passw0rd!';

// The manual admin password (seed 001 "Define manually"): set and replaced over HTTP, sealed at
// rest, never in a response, an audit entry or a log line; the mapping job and the provisioning
// loop both give it to the accounts they make; a credentials PATCH still works while it is stored.
describe.each(testDatabases())('manual admin password on $name', (db) => {
  let hub: TestHub;
  let world: SyncWorld;
  let auth: Record<string, string>;

  beforeEach(async () => {
    hub = await startHub(db);
    world = await startSyncWorld(hub.store);
    auth = await hub.tokenHeaders();
  });
  afterEach(async () => {
    await world.close();
    await hub.close();
  });

  const call = (method: 'GET' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    hub.app.inject({ method, url: `/api/v1/integrations/${world.integrationId}${url}`, headers: auth, ...(payload ? { payload } : {}) });

  it('is stored sealed, replaceable, used by the mapping job and the provisioning loop, and never shown', async () => {
    const responses = [];
    const put = async (password: string | null) => {
      const res = await call('PUT', '/settings/provisioning/admin-password', { password });
      responses.push(res);
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    expect(await put(FIRST)).toEqual({ stored: true });
    expect(await put(SECOND)).toEqual({ stored: true });
    expect((await hub.store.repos.integrations.getCredentials(world.integrationId)).adminPassword).toBe(SECOND);
    // Sealed at rest: the row holds ciphertext only.
    const row = await hub.store.db.selectFrom('integrations').selectAll().where('id', '=', world.integrationId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECOND);

    // Replacing another credential field keeps the stored password (was refused: "unknown setting adminPassword").
    const c = world.autotask.credentials;
    const patched = await call('PATCH', '', { credentials: { secret: c.secret } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().credentials.stored).toContain('secret');
    responses.push(patched);
    expect((await hub.store.repos.integrations.getCredentials(world.integrationId)).adminPassword).toBe(SECOND);

    responses.push(await call('GET', ''), await call('GET', '/settings/provisioning/admin-password'), await call('GET', '/settings/provisioning'));
    responses.push(await hub.app.inject({ method: 'GET', url: '/api/v1/integrations', headers: auth }));
    for (const res of responses) expect(res.statusCode).toBeLessThan(300);

    // Both writers of admin accounts use it.
    const rt = await world.runtime();
    const settings = await call('PATCH', '/settings/provisioning', { automaticProvisioning: true, adminAccount: { basedOn: 'company_name', activationEmail: 'ops@msp.example', password: 'manual' } });
    expect(settings.statusCode).toBe(200);
    responses.push(settings);
    await runDirectoryLoop(rt, { full: true });
    await runProvisioningLoop(rt);
    const created = (await hub.store.repos.mappings.list(world.integrationId, { state: 'mapped' })).filter((m) => m.tenantId !== null);
    expect(created.length).toBeGreaterThan(0);
    const users = (tenantId: string) => world.acronis.state.usersByTenant.get(tenantId) ?? [];
    for (const m of created) expect(users(m.tenantId!).map((u) => u.passwordHash)).toEqual([hashPassword(SECOND)]);

    const unmapped = (await hub.store.repos.mappings.list(world.integrationId, { state: 'not_mapped' }))[0]!;
    await mapToNew(rt, 'anna', unmapped.companyId);
    expect(await runMappingJobs(rt)).toMatchObject({ tenantsMapped: 1, failed: 0 });
    const viaJob = (await hub.store.repos.mappings.get(world.integrationId, unmapped.companyId))!;
    expect(users(viaJob.tenantId!).map((u) => u.passwordHash)).toEqual([hashPassword(SECOND)]);

    expect(await put(null)).toEqual({ stored: false });
    expect((await call('GET', '/settings/provisioning/admin-password')).json()).toEqual({ stored: false });

    const audit = JSON.stringify(await hub.store.repos.auditLog.list({ subjectId: world.integrationId }));
    expect(audit).toContain('integration.admin_password.set');
    for (const secret of [FIRST, SECOND]) {
      for (const res of responses) expect(res.body).not.toContain(secret);
      expect(audit).not.toContain(secret);
      expect(hub.logs.join('\n')).not.toContain(secret);
    }
  });
});
