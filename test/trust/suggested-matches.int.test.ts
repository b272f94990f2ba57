// Suggested matches by name with a confidence for Autotask and ConnectWise companies (issue 15,
// item 7), on both databases over real HTTP against the emulators: a tenant named like a company
// but for case, punctuation and a legal suffix is suggested at 0.95 and preselected, one with the
// words reordered at the matcher's lower confidence and not preselected; confirming maps exactly
// the pairs suggested now (a pair not suggested is refused); mapped pairs are no longer suggested;
// the CLI lists and confirms them too; CloudBlue (which matches through the marketplace) does not
// offer them.
import { describe, expect, it } from 'vitest';
import { nameMatch } from '../../src/domain/company-name-match.ts';
import type { Store } from '../../src/store/store.ts';
import type { AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { startCwWorld } from '../connectwise/harness.ts';
import { openTestStore, TEST_SECRET_KEY, testDatabases } from '../support/databases.ts';
import { runCli } from '../support/cli.ts';
import { acronisApi } from '../support/world.ts';
import { startSyncWorld } from '../support/autotask-sync-world.ts';

interface Row {
  companyId: string;
  companyName: string;
  state: string;
  tenantId: string | null;
  companyActive: boolean | null;
}

async function createTenant(acronis: AcronisEmulator, name: string): Promise<string> {
  return (await acronisApi(acronis).call<{ id: string }>('POST', '/tenants', { name, kind: 'customer', parent_id: acronis.partnerId })).id;
}

/** The scenario, the same for every PSA that offers suggestions. */
async function suggestAndConfirm(hub: CwHub, integrationId: string, acronis: AcronisEmulator): Promise<void> {
  expect((await hub.runner.runNow(integrationId, 'directory')).status).toBe('ok');
  const rows = (await hub.api('GET', `/api/v1/integrations/${integrationId}/mappings?state=not_mapped&limit=1000`)).body.items as Row[];
  const candidates = rows.filter((r) => r.companyActive !== false && r.companyName.trim().split(/\s+/).length >= 2);
  expect(candidates.length, 'two unmapped companies with names of two words or more').toBeGreaterThanOrEqual(2);
  const [a, b] = candidates as [Row, Row];
  const aTenantName = `${a.companyName.toUpperCase()}, Ltd.`;
  const bTenantName = b.companyName.trim().split(/\s+/).reverse().join(' ');
  const aTenant = await createTenant(acronis, aTenantName);
  const bTenant = await createTenant(acronis, bTenantName);

  const first = await hub.api('GET', `/api/v1/integrations/${integrationId}/suggested-matches`);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const suggestions = first.body.suggestions as Array<{ companyId: string; tenantId: string; confidence: number; basis: string; preselected: boolean; tenantName: string }>;
  expect(suggestions.find((s) => s.companyId === a.companyId)).toMatchObject({ tenantId: aTenant, tenantName: aTenantName, confidence: 0.95, basis: 'normalised', preselected: true });
  const expected = nameMatch(b.companyName, bTenantName);
  expect(expected.confidence).toBeGreaterThanOrEqual(0.5);
  expect(suggestions.find((s) => s.companyId === b.companyId)).toMatchObject({ tenantId: bTenant, confidence: expected.confidence, basis: 'similar', preselected: false });
  // Most confident first.
  const confidences = suggestions.map((s) => s.confidence);
  expect(confidences).toEqual([...confidences].sort((x, y) => y - x));

  const other = rows.find((r) => r.companyId !== a.companyId && r.companyId !== b.companyId && !suggestions.some((s) => s.companyId === r.companyId))!;
  const confirmed = await hub.api('POST', `/api/v1/integrations/${integrationId}/suggested-matches`, {
    pairs: [
      { companyId: a.companyId, tenantId: aTenant },
      { companyId: b.companyId, tenantId: bTenant },
      { companyId: other.companyId, tenantId: bTenant },
    ],
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect(confirmed.body.items).toEqual([
    { companyId: a.companyId, tenantId: aTenant, ok: true },
    { companyId: b.companyId, tenantId: bTenant, ok: true },
    { companyId: other.companyId, tenantId: bTenant, ok: false, error: { code: 'not_proposed', message: expect.stringMatching(/is not a current suggestion; reload the suggestions/) } },
  ]);
  const after = (await hub.api('GET', `/api/v1/integrations/${integrationId}/mappings?limit=1000`)).body.items as Row[];
  expect(after.find((r) => r.companyId === a.companyId)).toMatchObject({ state: 'mapped', tenantId: aTenant });
  expect(after.find((r) => r.companyId === b.companyId)).toMatchObject({ state: 'mapped', tenantId: bTenant });
  expect(after.find((r) => r.companyId === other.companyId)?.tenantId).toBeNull();

  const again = (await hub.api('GET', `/api/v1/integrations/${integrationId}/suggested-matches`)).body.suggestions as Array<{ companyId: string; tenantId: string }>;
  expect(again.some((s) => s.companyId === a.companyId || s.companyId === b.companyId || s.tenantId === aTenant || s.tenantId === bTenant)).toBe(false);
}

describe.each(testDatabases())('suggested matches by name on $name', (db) => {
  async function withHub(run: (store: Store, hub: CwHub, url: string) => Promise<void>): Promise<void> {
    const { store, cleanup, url } = await openTestStore(db);
    const hub = await startCwHub(store);
    try {
      await run(store, hub, url);
    } finally {
      await hub.close();
      await cleanup();
    }
  }

  it('Autotask: suggests with a confidence, confirms only what is suggested', { timeout: 90_000 }, () =>
    withHub(async (store, hub) => {
      const world = await startSyncWorld(store);
      try {
        await suggestAndConfirm(hub, world.integrationId, world.acronis);
      } finally {
        await world.close();
      }
    }),
  );

  it('ConnectWise: the same', { timeout: 90_000 }, () =>
    withHub(async (store, hub) => {
      const world = await startCwWorld(store);
      try {
        await suggestAndConfirm(hub, world.integrationId, world.acronis);
      } finally {
        await world.close();
      }
    }),
  );

  it('psa-bridge mappings suggested lists the suggestions with their confidence and --confirm maps the ones chosen', { timeout: 90_000 }, () =>
    withHub(async (store, hub, url) => {
      const world = await startSyncWorld(store);
      try {
        expect((await hub.runner.runNow(world.integrationId, 'directory')).status).toBe('ok');
        const rows = (await hub.api('GET', `/api/v1/integrations/${world.integrationId}/mappings?state=not_mapped&limit=1000`)).body.items as Row[];
        const company = rows.find((r) => r.companyActive !== false)!;
        const tenantName = `${company.companyName} Inc.`;
        const tenantId = await createTenant(world.acronis, tenantName);
        const env = { DATABASE_URL: url, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('hex') };

        const listed = await runCli(['mappings', 'suggested', 'emu-autotask', '--json'], env);
        expect(listed.code, listed.stderr).toBe(0);
        const suggestions = JSON.parse(listed.stdout).suggestions as Array<{ companyId: string; tenantId: string; confidence: number; preselected: boolean }>;
        expect(suggestions.find((s) => s.companyId === company.companyId)).toMatchObject({ tenantId, confidence: 0.95, preselected: true });
        const table = await runCli(['mappings', 'suggested', 'emu-autotask'], env);
        expect(table.stdout).toMatch(new RegExp(`${company.companyName}\\s+${tenantName.replace('.', '\\.')}\\s+95 %\\s+normalised\\s+yes`));

        const confirmed = await runCli(['mappings', 'suggested', 'emu-autotask', '--confirm', company.companyId], env);
        expect(confirmed.code, confirmed.stderr).toBe(0);
        expect(confirmed.stdout).toMatch(new RegExp(`${company.companyName}\\s+${tenantName.replace('.', '\\.')}\\s+mapped`));
        expect(await store.repos.mappings.get(world.integrationId, company.companyId)).toMatchObject({ state: 'mapped', tenantId });
      } finally {
        await world.close();
      }
    }),
  );

  it('is a capability of Autotask and ConnectWise, not of CloudBlue (which matches through the marketplace)', () =>
    withHub(async (_store, hub) => {
      const targets = (await hub.api('GET', '/api/v1/targets')).body.items as Array<{ target: string; capabilities: { nameSuggestions?: boolean } }>;
      const of = (id: string) => targets.find((t) => t.target === id)?.capabilities.nameSuggestions;
      expect([of('autotask'), of('connectwise'), of('cloudblue')]).toEqual([true, true, false]);
    }),
  );
});
