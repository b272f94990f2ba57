import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAcronisEmulator } from '../../../emulators/acronis/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import { ConnectorError } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import { createAcronisVendor } from './vendor.ts';

type Emulator = Awaited<ReturnType<typeof startAcronisEmulator>>;
let emu: Emulator;
/** The emulator's control API; `emu` is started before any test runs. */
const control = (method: string, path: string, body?: unknown): Promise<unknown> => emulatorControl(emu.url)(method, path, body);
let partnerId: string;

const vendor = () =>
  createAcronisVendor({ baseUrl: emu.url, clientId: emu.credentials.client_id, clientSecret: emu.credentials.client_secret, connectionName: 'emulator', sleep: async () => {} });

beforeAll(async () => {
  emu = await startAcronisEmulator({ port: 0, seed: 'demo' });
  partnerId = emu.partnerId;
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  await control('DELETE', '/faults');
});

let seq = 0;
const key = () => `mode-${Date.now()}-${++seq}`;

describe('tenant mode at creation', () => {
  it('a new customer stays in trial unless production is asked for; production is read back', async () => {
    const v = vendor();
    const trial = await v.createCustomerTenant({ parentId: partnerId, name: `Trial Co ${seq}` }, { idempotencyKey: key() });
    expect(trial.tenant.pricingMode).toBe('trial');
    expect(await v.getPricingMode(trial.tenant.id)).toBe('trial');
    const prod = await v.createCustomerTenant({ parentId: partnerId, name: `Production Co ${seq}`, pricingMode: 'production' }, { idempotencyKey: key() });
    expect(prod.tenant.pricingMode).toBe('production');
    expect(await v.getPricingMode(prod.tenant.id)).toBe('production');
    expect((await v.getTenant(prod.tenant.id)).pricingMode).toBe('production');
  });

  it('a create whose pricing call failed is completed by the retry, without a second tenant', async () => {
    const v = vendor();
    const k = key();
    const name = `Half Made Co ${seq}`;
    await control('POST', '/faults', { kind: 'status', status: 400, path: '/api/2/tenants/*/pricing', method: 'PUT', count: 1 });
    await expect(v.createCustomerTenant({ parentId: partnerId, name, pricingMode: 'production' }, { idempotencyKey: k })).rejects.toBeInstanceOf(ConnectorError);
    const retry = await v.createCustomerTenant({ parentId: partnerId, name, pricingMode: 'production' }, { idempotencyKey: k });
    expect(retry.created).toBe(false);
    expect(await v.getPricingMode(retry.tenant.id)).toBe('production');
    const all = await collect(v.listCustomerTenants({ parentId: partnerId }));
    expect(all.filter((t) => t.internalTag === k)).toHaveLength(1);
  });

  it('switching production back to trial is refused as the vendor never does it; production again is a no-op', async () => {
    const v = vendor();
    const prod = await v.createCustomerTenant({ parentId: partnerId, name: `One Way Co ${seq}`, pricingMode: 'production' }, { idempotencyKey: key() });
    await expect(v.setPricingMode(prod.tenant.id, 'trial')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/never switches a tenant back to trial/) });
    await v.setPricingMode(prod.tenant.id, 'production');
    expect(await v.getPricingMode(prod.tenant.id)).toBe('production');
  });
});

describe('storage locations', () => {
  it('lists the locations of the partner storages, several storages sharing one', async () => {
    const v = vendor();
    const storages = await v.listStorages(partnerId);
    const first = storages.find((s) => s.capabilities.includes('backup'));
    await control('POST', '/infra', { name: 'Second storage, same location', location_id: first?.locationId });
    const locations = await v.listLocations(partnerId);
    expect(locations.length).toBe(new Set(storages.map((s) => s.locationId)).size);
    expect(locations.every((l) => typeof l.name === 'string' && l.name !== '')).toBe(true);
    const after = await v.listStorages(partnerId);
    expect(after.filter((s) => s.locationId === first?.locationId)).toHaveLength(2);
  });
});
