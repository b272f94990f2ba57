// Map-to-new for 50 companies with 20 % injected faults on both emulators and crashes between the
// external write and the journal update: no duplicate tenant, user or mapping, and the same final
// state as a fault-free run.
import { afterEach, describe, expect, it } from 'vitest';
import { JournalRepository } from '../../src/store/repositories/journal.ts';
import { mapToNew } from '../../src/sync/mapping-actions.ts';
import { runMappingJobs } from '../../src/sync/mapping-job.ts';
import { listMappings } from '../../src/sync/mapping-list.ts';
import { testDatabases } from '../support/databases.ts';
import { startCloudBlueHubHarness, type CloudBlueHubHarness } from './harness.ts';

const COMPANIES = 50;

/** A crash right after the external write: the journal update never happens (the process died). */
class CrashingJournal extends JournalRepository {
  crashes = 0;
  private n = 0;
  override async markDone(id: string, externalId: string): Promise<void> {
    this.n += 1;
    // Deterministic: every 5th completion is lost.
    if (this.n % 5 === 0) {
      this.crashes += 1;
      throw new Error('simulated crash before the journal update');
    }
    return super.markDone(id, externalId);
  }
  override async markFailed(): Promise<void> {
    throw new Error('simulated crash: the process is gone');
  }
}

interface FinalState {
  mappings: Array<[string, string, string]>;
  tenants: Array<[string, number]>;
  logins: string[];
}

async function scenario(h: CloudBlueHubHarness, faulty: boolean): Promise<{ state: FinalState; runs: number; crashes: number; faultsFired: number }> {
  // 50 new customers; every 10th shares its contact's name with the one before (login suffixes).
  const ids: string[] = [];
  for (let i = 0; i < COMPANIES; i += 1) {
    const first = `Rel${Math.floor(i / 2) * (i % 10 === 9 ? 1 : 0) || i}`;
    const made = await h.control('cloudblue', 'POST', '/customers', {
      name: `Reliable Customer ${String(i).padStart(2, '0')}`,
      primaryContact: { firstName: i % 10 === 9 ? `Rel${i - 1}` : first, lastName: 'Admin', email: `admin${i}@rel${i}.example` },
    });
    ids.push(String(made.Id));
  }
  let rt = await h.runtime();
  await listMappings(rt, { reload: true });
  await h.store.repos.settings.set(h.integrationId, 'provisioning', { mfaForNewCustomers: true });
  for (const id of ids) await mapToNew(rt, 'anna', id);

  const journal = new CrashingJournal(h.store.db);
  if (faulty) {
    const rules = { rules: [{ kind: 'status', status: 503, share: 0.1 }, { kind: 'rate_limit', retryAfterSeconds: 0, share: 0.1 }], seed: 11 };
    await h.control('acronis', 'POST', '/faults', { ...rules, rules: rules.rules.map((r) => ({ ...r, path: '/api/2/**' })) });
    await h.control('cloudblue', 'POST', '/faults', { ...rules, rules: rules.rules.map((r) => ({ ...r, path: '/webapi/**' })) });
  }
  let runs = 0;
  for (; runs < 500; runs += 1) {
    // Each run is a fresh process: a new runtime, the journal either crashing or not.
    rt = faulty ? await h.runtime({ journalRepo: journal, journalLeaseMs: 0 }) : await h.runtime();
    try {
      await runMappingJobs(rt);
    } catch {
      continue; // the process died; the next one resumes
    }
    const open = await h.store.repos.journal.list({ integrationId: h.integrationId, loop: 'mappings', states: ['pending', 'failed'] });
    if (open.length === 0 && (await h.store.repos.mappings.countByState(h.integrationId)).mapped === COMPANIES) break;
  }
  let faultsFired = 0;
  if (faulty) {
    for (const system of ['acronis', 'cloudblue'] as const) faultsFired += ((await h.control(system, 'GET', '/faults')).items as Array<{ fired: number }>).reduce((n, r) => n + r.fired, 0);
    await h.control('acronis', 'DELETE', '/faults');
    await h.control('cloudblue', 'DELETE', '/faults');
  }
  const rows = await h.store.repos.mappings.list(h.integrationId, { state: 'mapped' });
  const tenants = (await h.tenants()).filter((t) => t.name.startsWith('Reliable Customer'));
  const count = new Map<string, number>();
  for (const t of tenants) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const logins: string[] = [];
  for (const t of tenants) {
    const users = await h.users(t.id);
    expect(users).toHaveLength(1);
    for (const u of users) logins.push(`${t.name}:${u.login}:${t.mfa_status}`);
  }
  return {
    runs,
    faultsFired,
    crashes: journal.crashes,
    state: {
      mappings: rows.map((m) => [m.companyName, m.tenantName ?? '', m.state] as [string, string, string]).sort(),
      tenants: [...count].sort(),
      // Two contacts with the same name get `login` and `login-2`; which one gets which depends on
      // the order the job happened to finish them in, so logins compare as a set.
      logins: logins.map((l) => l.split(':').slice(1).join(':')).sort(),
    },
  };
}

describe.each(testDatabases())('map-to-new reliability on $name', (database) => {
  const harnesses: CloudBlueHubHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('50 companies, 20 % faults on both sides, crashes between journal steps: no duplicates, same final state', async () => {
    const clean = await startCloudBlueHubHarness(database);
    harnesses.push(clean);
    const baseline = await scenario(clean, false);
    expect(baseline.state.mappings).toHaveLength(COMPANIES);
    expect(baseline.state.tenants.every(([, n]) => n === 1)).toBe(true);

    const rough = await startCloudBlueHubHarness(database);
    harnesses.push(rough);
    const result = await scenario(rough, true);
    expect(result.crashes).toBeGreaterThan(0);
    expect(result.faultsFired).toBeGreaterThan(20);
    expect(result.state.tenants).toHaveLength(COMPANIES);
    expect(result.state.tenants.every(([, n]) => n === 1)).toBe(true);
    expect(result.state.logins).toHaveLength(COMPANIES);
    expect(result.state).toEqual(baseline.state);
  }, 300_000);
});
