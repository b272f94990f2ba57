import { describe, expect, it } from 'vitest';
import { alertCategories } from './alert-catalog.ts';
import { SEED_SCREEN_ALERT_TITLES } from './seed-alert-titles.test-support.ts';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

interface AlertType {
  id: string;
  category: string;
  severity: string;
  title: string;
}

describe('alert type catalogue (GET /types)', () => {
  it('lists every alert the vendor integration screens show, each with a category and a severity', async () => {
    const r = await h.alerts('GET', '/types');
    expect(r.status).toBe(200);
    const types = r.body.items as AlertType[];
    const titles = new Set(types.map((t) => t.title));
    for (const seen of SEED_SCREEN_ALERT_TITLES) {
      expect(titles.has(seen), seen).toBe(true);
    }
    expect(types.length).toBeGreaterThanOrEqual(40);
    expect(new Set(types.map((t) => t.id)).size).toBe(types.length);
    for (const t of types) {
      expect(['ok', 'information', 'warning', 'error', 'critical']).toContain(t.severity);
      expect(alertCategories as readonly string[]).toContain(t.category);
    }
    // Every category has at least one type, and the ids the reference saw keep theirs.
    expect(new Set(types.map((t) => t.category))).toEqual(new Set(alertCategories));
    expect(types.find((t) => t.id === 'EDRIncidentDetected')?.category).toBe('EDR');
    expect(types.find((t) => t.id === 'BackupCanceled')).toMatchObject({ category: 'Backup', severity: 'warning' });
  });

  it('GET /types/{id} answers one, 404 for an unknown id; a raised alert takes its type category and severity', async () => {
    expect((await h.alerts('GET', '/types/AgentOutdated')).body).toMatchObject({ id: 'AgentOutdated', category: 'Agent', title: 'Agent is outdated' });
    expect((await h.alerts('GET', '/types/NoSuchType')).status).toBe(404);
    const tenant = [...h.emu.state.tenants.values()].find((t) => t.kind === 'customer' && t.enabled) as { id: string };
    const raised = await h.control('POST', '/alerts', { tenant_id: tenant.id, type: 'QuotaReached' });
    expect(raised.body).toMatchObject({ type: 'QuotaReached', category: 'Quota', severity: 'warning' });
  });
});
