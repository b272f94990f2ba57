// The CloudBlue API layout is a setting a person changes, not code: PUT/PATCH
// /integrations/:id/settings/connector validates the keys by the CloudBlue connector's own schema,
// and the connector built afterwards calls the API that way (emulator over real HTTP).
import { describe, expect, it } from 'vitest';
import { createTarget } from '../../src/connectors/registry.ts';
import { createRuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { testDatabases } from '../support/databases.ts';
import { useCloudBlueHub } from './hub.ts';

describe.each(testDatabases())('CloudBlue connector settings on $name', (database) => {
  const world = useCloudBlueHub(database);

  const call = (method: 'GET' | 'PUT' | 'PATCH', payload?: object) =>
    world.hub.app.inject({ method, url: `/api/v1/integrations/${world.integrationId}/settings/connector`, headers: world.headers, ...(payload === undefined ? {} : { payload }) });

  /** The runtime the hub would build now, its CloudBlue calls recorded (URL and whether the key rode in a header). */
  async function connectorCalls(): Promise<Array<{ url: string; headerKey: boolean }>> {
    const calls: Array<{ url: string; headerKey: boolean }> = [];
    const rt = await createRuntimeProvider(world.hub.store, {
      targetFactory: (system, input) =>
        createTarget(system, {
          ...input,
          fetch: async (url, init) => {
            const h = new Headers(init?.headers);
            calls.push({ url: String(url), headerKey: [...h.values()].includes(world.cloudblue.credentials.api_key) });
            return fetch(url, init);
          },
        }),
    }).get(world.integrationId);
    expect((await rt.target.testConnection()).displayName).toMatch(/CloudBlue PSA/);
    return calls;
  }

  it('a person moves the API key from the query to a header and changes a path; the connector then calls that way', async () => {
    const before = await connectorCalls();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((c) => c.url.includes('api_key=') && !c.headerKey)).toBe(true);
    expect(before.some((c) => c.url.includes('/system/getversion'))).toBe(true);
    expect(before.some((c) => c.url.includes('/system/version'))).toBe(false);

    const saved = await call('PUT', { cloudblueKeyPlacement: 'header', cloudblueKeyHeader: 'X-API-Key', cloudbluePaths: { version: '/system/version' }, cloudbluePageSize: 500 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().value).toMatchObject({ cloudblueKeyPlacement: 'header', cloudbluePaths: '{"version":"/system/version"}', cloudbluePageSize: '500' });
    expect((await call('GET')).json().value).toMatchObject({ cloudblueKeyPlacement: 'header' });

    const after = await connectorCalls();
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((c) => !c.url.includes('api_key') && c.headerKey)).toBe(true);
    // The instance answers 404 on the new path (the emulator serves the documented one): the connector asked there.
    expect(after.some((c) => c.url.includes('/system/version'))).toBe(true);
    expect(after.some((c) => c.url.includes('/system/getversion'))).toBe(false);

    // PATCH merges: back to the query, the path change kept.
    expect((await call('PATCH', { cloudblueKeyPlacement: 'query' })).json().value).toMatchObject({ cloudblueKeyPlacement: 'query', cloudbluePaths: '{"version":"/system/version"}' });
    const audit = await world.hub.store.repos.auditLog.list({ subjectId: world.integrationId });
    expect(audit.filter((e) => e.action === 'integration.settings.connector.update')).toHaveLength(2);
  });

  it("refuses what the CloudBlue connector would refuse, and another target's keys, naming the field", async () => {
    const placement = await call('PUT', { cloudblueKeyPlacement: 'cookie' });
    expect(placement.statusCode).toBe(400);
    expect(placement.json().error.details).toEqual([{ field: 'connector.cloudblueKeyPlacement', message: 'must be "query" or "header"' }]);
    const paths = await call('PUT', { cloudbluePaths: '{not json' });
    expect(paths.statusCode).toBe(400);
    expect(paths.json().error.details[0]).toMatchObject({ field: 'connector.cloudbluePaths', message: expect.stringMatching(/JSON object/) });
    const autotaskKey = await call('PUT', { discoveryUrl: 'https://example.test/ATServicesRest/' });
    expect(autotaskKey.statusCode).toBe(400);
    expect(autotaskKey.json().error.details[0]).toMatchObject({ field: 'connector', message: expect.stringContaining('"discoveryUrl"') });
    expect((await call('GET')).json().value).toEqual({});
  });
});
