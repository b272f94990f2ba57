import { describe, expect, it } from 'vitest';
import { defaultProvisioningSettings } from '../../domain/provisioning-plan.ts';
import { defaultSettings, integrationSettings, mergeSettings, validateSettings } from './settings.ts';
import { SettingsError } from './settings-error.ts';
import type { SettingsRepository } from '../../store/repositories/settings.ts';

function memoryRepo(): SettingsRepository {
  const rows = new Map<string, unknown>();
  const repo = {
    get: async (id: string, key: string) => rows.get(`${id}/${key}`),
    getAll: async (id: string) => Object.fromEntries([...rows].filter(([k]) => k.startsWith(`${id}/`)).map(([k, v]) => [k.slice(id.length + 1), v])),
    set: async (id: string, key: string, value: unknown) => void rows.set(`${id}/${key}`, structuredClone(value)),
    setMany: async () => {},
    delete: async (id: string, key: string) => rows.delete(`${id}/${key}`),
  };
  return repo as unknown as SettingsRepository;
}

describe('settings sections', () => {
  it('defaults: provisioning as the domain, schedule within the seed’s 15 minutes', () => {
    // The planner's settings, plus the loop's guard on service reductions (held for approval by default).
    expect(defaultSettings('provisioning')).toEqual({ ...defaultProvisioningSettings, allowServiceReductions: false });
    const schedule = defaultSettings('schedule');
    expect(schedule.provisioning.intervalMinutes).toBeLessThanOrEqual(15);
    expect(schedule).toMatchObject({ directory: { intervalMinutes: 15 }, usage: { intervalMinutes: 1440 }, fullPassEveryHours: 24 });
    expect(defaultSettings('product-mapping')).toEqual({ entries: [] });
  });

  it('names the field and the fix', () => {
    const result = validateSettings('schedule', { provisioning: { intervalMinutes: 0 }, extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { field: 'schedule.provisioning.intervalMinutes', message: 'must be at least 1 minute' },
        { field: 'schedule', message: 'unknown setting "extra": remove it' },
      ]),
    );
  });

  it('requires an activation email for company-name admin accounts', () => {
    const result = validateSettings('provisioning', { adminAccount: { basedOn: 'company_name' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.field).toBe('provisioning.adminAccount.activationEmail');
  });

  it('validates the product mapping with the domain rules', () => {
    const result = validateSettings('product-mapping', { entries: [{ itemKey: 'adv_backup_servers', service: { kind: 'existing', productId: 'S1' } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ field: 'product-mapping.entries.0', message: expect.stringContaining('Standard item') });
    expect(validateSettings('product-mapping', { entries: [{ itemKey: 'nope', service: { kind: 'auto' } }] }).ok).toBe(false);
    expect(validateSettings('product-mapping', { entries: [{ itemKey: 'servers', service: { kind: 'existing', productId: 'S1' } }] }).ok).toBe(true);
  });

  it('reads defaults, patches deeply, resets, and tells about changes', async () => {
    const changes: string[] = [];
    const settings = integrationSettings(memoryRepo(), { onChange: (id, name) => void changes.push(`${id}:${name}`) });
    expect((await settings.read('I', 'provisioning')).freeProvisioning).toBe(false);
    await settings.patch('I', 'provisioning', { deprovisioning: { zeroQuotas: true } });
    const after = await settings.read('I', 'provisioning');
    expect(after.deprovisioning).toEqual({ zeroQuotas: true, disableTenant: false, deleteTenant: false });
    await expect(settings.patch('I', 'schedule', { usage: { intervalMinutes: -1 } })).rejects.toBeInstanceOf(SettingsError);
    await settings.reset('I', 'provisioning');
    expect((await settings.read('I', 'provisioning')).deprovisioning.zeroQuotas).toBe(false);
    expect(changes).toEqual(['I:provisioning', 'I:provisioning']);
    expect(Object.keys(await settings.readAll('I')).sort()).toEqual(['alert-mappings', 'connector', 'product-mapping', 'provisioning', 'schedule', 'tickets']);
  });

  it('merges plain objects and replaces arrays', () => {
    expect(mergeSettings({ a: { b: 1, c: 2 }, l: [1] }, { a: { c: 3 }, l: [2] })).toEqual({ a: { b: 1, c: 3 }, l: [2] });
  });
});
