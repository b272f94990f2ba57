// One runtime per integration per process: the HTTP routes and the loops share the integration's
// connectors, so Autotask's hourly budget counts every request the process sends (the API's and the
// loops') and the token caches survive requests; a change to what the runtime is built from
// (credentials, the connection) builds a new one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutotaskTarget } from '../../src/connectors/autotask/target.ts';
import type { Target } from '../../src/connectors/ports.ts';
import { createTarget } from '../../src/connectors/registry.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';

describe.each(testDatabases())('one runtime per integration on $name', (db) => {
  let hub: TestHub;
  let world: SyncWorld;
  let built: Target[];

  beforeEach(async () => {
    built = [];
    hub = await startHub(db, {
      loops: true,
      runtimeOptions: {
        targetFactory: (system, input) => {
          const target = createTarget(system, input);
          built.push(target);
          return target;
        },
      },
    });
    world = await startSyncWorld(hub.store);
  });
  afterEach(async () => {
    await hub.close();
    await world.close();
  });

  const own = (target: Target | undefined) => (target as AutotaskTarget).budget().own;

  it('two API calls and a loop pass share one Autotask client; a credential change builds a new one', async () => {
    const id = world.integrationId;
    const headers = await hub.tokenHeaders();

    const picklists = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${id}/alert-mappings`, headers });
    expect(picklists.statusCode, picklists.body).toBe(200);
    expect(built).toHaveLength(1);
    const afterFirst = own(built[0]);
    expect(afterFirst).toBeGreaterThan(0);

    const companies = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${id}/mappings?reload=true`, headers });
    expect(companies.statusCode, companies.body).toBe(200);
    const afterSecond = own(built[0]);
    expect(afterSecond).toBeGreaterThan(afterFirst);

    const pass = await hub.jobRunner!.runNow(id, 'directory');
    expect(pass.status, pass.error?.message).toBe('ok');
    // The loop's requests are counted by the same budget as the API's: one client, one count.
    expect(built).toHaveLength(1);
    expect(own(built[0])).toBeGreaterThan(afterSecond);
    expect((await hub.runtimes.get(id)).target).toBe(built[0]);

    // New credentials: the cached runtime is dropped and the next request builds a new client.
    const secret = world.autotask.credentials.secret;
    const patch = await hub.app.inject({ method: 'PATCH', url: `/api/v1/integrations/${id}`, headers, payload: { credentials: { secret } } });
    expect(patch.statusCode, patch.body).toBe(200);
    const again = await hub.app.inject({ method: 'GET', url: `/api/v1/integrations/${id}/alert-mappings`, headers });
    expect(again.statusCode, again.body).toBe(200);
    expect(built).toHaveLength(2);
    expect((await hub.runtimes.get(id)).target).toBe(built[1]);
    expect(own(built[1])).toBeLessThan(own(built[0]));
  });

  it('a connection change builds the integration runtime again', async () => {
    const id = world.integrationId;
    const headers = await hub.tokenHeaders();
    const first = await hub.runtimes.get(id);
    const res = await hub.app.inject({ method: 'PATCH', url: `/api/v1/connections/${first.integration.connectionId}`, headers, payload: { clientSecret: world.acronis.credentials.client_secret } });
    expect(res.statusCode, res.body).toBe(200);
    const second = await hub.runtimes.get(id);
    expect(second).not.toBe(first);
    expect(second.vendor).not.toBe(first.vendor);
  });
});
