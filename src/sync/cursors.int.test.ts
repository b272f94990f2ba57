import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases } from '../../test/support/databases.ts';
import type { Store } from '../store/store.ts';
import { Cursors } from './cursors.ts';

describe.each(testDatabases())('cursors on $name', (t) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let integrationId: string;
  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(t));
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    integrationId = (await store.repos.integrations.create({ name: 'cw', connectionId: connection.id, target: 'connectwise', credentials: {} })).id;
  });
  afterEach(() => cleanup?.());

  it('advances monotonically and keeps loops apart', async () => {
    const cursors = new Cursors(store.repos.cursors);
    expect(await cursors.get(integrationId, 'alerts')).toBeUndefined();
    expect(await cursors.advance(integrationId, 'alerts', '1439789551045000000')).toEqual({ advanced: true, value: '1439789551045000000' });
    expect(await cursors.advance(integrationId, 'alerts', '1439789551045000001')).toEqual({ advanced: true, value: '1439789551045000001' });
    // A slower worker reporting an older position does not move it back.
    expect(await cursors.advance(integrationId, 'alerts', '1439789551045000000')).toEqual({ advanced: false, value: '1439789551045000001' });
    expect(await cursors.advance(integrationId, 'tickets', '2025-01-01T10:00:00Z')).toMatchObject({ advanced: true });
    expect(await cursors.advance(integrationId, 'tickets', '2025-01-01T10:30:00+01:00')).toMatchObject({ advanced: false });
    expect(await cursors.get(integrationId, 'alerts')).toBe('1439789551045000001');

    // Opaque values are stored as given; set() rewinds on purpose; reset() forgets.
    expect(await cursors.advance(integrationId, 'catalog', 'AAA=')).toMatchObject({ advanced: true });
    expect(await cursors.advance(integrationId, 'catalog', 'AAB=')).toMatchObject({ advanced: true, value: 'AAB=' });
    await cursors.set(integrationId, 'alerts', '1');
    expect(await cursors.get(integrationId, 'alerts')).toBe('1');
    await cursors.reset(integrationId, 'alerts');
    expect(await cursors.get(integrationId, 'alerts')).toBeUndefined();
  });

  it('ends concurrent advances at the highest value', async () => {
    const cursors = new Cursors(store.repos.cursors);
    const values = Array.from({ length: 10 }, (_, i) => String(1_000_000_000_000_000_000n + BigInt(i)));
    await Promise.all(values.map((v) => cursors.advance(integrationId, 'usage', v)));
    expect(await cursors.get(integrationId, 'usage')).toBe(values[9]);
  });
});
