import { describe, expect, it } from 'vitest';
import {
  indexProductMapping,
  mappedProductIds,
  serviceNameOf,
  targetProductIdOf,
  validateProductMapping,
  type ProductMapping,
  type ProductMappingEntry,
} from './product-mapping.ts';

const entry = (over: Partial<ProductMappingEntry> & Pick<ProductMappingEntry, 'itemKey'>): ProductMappingEntry => ({
  infraId: null,
  service: { kind: 'existing', productId: `P-${over.itemKey}${over.infraId ? `-${over.infraId}` : ''}` },
  periodType: 'monthly',
  serviceCode: null,
  ...over,
});

const codes = (m: ProductMapping, options?: Parameters<typeof validateProductMapping>[1]): string[] =>
  validateProductMapping(m, options).problems.map((p) => p.code);

describe('product mapping', () => {
  it('accepts a plain mapping with auto, new and existing names', () => {
    const m: ProductMapping = {
      entries: [
        entry({ itemKey: 'workstations', service: { kind: 'auto' } }),
        entry({ itemKey: 'servers', service: { kind: 'new', name: 'Backup for servers' }, periodType: 'yearly', serviceCode: 'ACR-SRV' }),
        entry({ itemKey: 'storage', infraId: 'infra-A' }),
        entry({ itemKey: 'adv_backup_workstations' }),
      ],
    };
    expect(validateProductMapping(m)).toEqual({ ok: true, problems: [] });
  });

  it('refuses an Advanced pack whose Standard item is not mapped, naming both', () => {
    const result = validateProductMapping({ entries: [entry({ itemKey: 'servers' }), entry({ itemKey: 'adv_backup_workstations' })] });
    expect(result.ok).toBe(false);
    const p = result.problems.find((x) => x.code === 'advanced_without_standard');
    expect(p?.message).toContain('Advanced Backup - Workstations');
    expect(p?.message).toContain('Workstations first');
    expect(p?.context).toMatchObject({ item: 'adv_backup_workstations', requires: 'workstations' });
  });

  it('accepts an Advanced pack that needs any one of several Standard items', () => {
    expect(validateProductMapping({ entries: [entry({ itemKey: 'vms' }), entry({ itemKey: 'adv_security' })] }).ok).toBe(true);
    expect(codes({ entries: [entry({ itemKey: 'mobiles' }), entry({ itemKey: 'adv_security' })] })).toEqual(['advanced_without_standard']);
  });

  it('refuses two offering items on one target product', () => {
    const m: ProductMapping = {
      entries: [
        entry({ itemKey: 'workstations', service: { kind: 'existing', productId: 'P1' } }),
        entry({ itemKey: 'servers', service: { kind: 'existing', productId: 'P1' } }),
      ],
    };
    const result = validateProductMapping(m);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'product_shared', context: { productId: 'P1', items: 'workstations,servers' } });
  });

  it('refuses a created product shared with an existing one, and two new services with one name', () => {
    expect(
      codes({
        entries: [
          entry({ itemKey: 'workstations', service: { kind: 'auto' }, createdProductId: 'P9' }),
          entry({ itemKey: 'servers', service: { kind: 'existing', productId: 'P9' } }),
        ],
      }),
    ).toEqual(['product_shared']);
    expect(
      codes({
        entries: [
          entry({ itemKey: 'workstations', service: { kind: 'new', name: 'Backup' } }),
          entry({ itemKey: 'servers', service: { kind: 'new', name: ' backup ' } }),
        ],
      }),
    ).toEqual(['service_name_shared']);
    expect(
      codes({
        entries: [
          entry({ itemKey: 'workstations', service: { kind: 'auto' } }),
          entry({ itemKey: 'servers', service: { kind: 'new', name: 'Acronis Cyber Protect - Workstations' } }),
        ],
      }),
    ).toEqual(['service_name_shared']);
  });

  it('maps storage per storage: infra id required, one entry per storage, distinct storages allowed', () => {
    expect(codes({ entries: [entry({ itemKey: 'storage' })] })).toEqual(['storage_infra_required']);
    expect(codes({ entries: [entry({ itemKey: 'workstations', infraId: 'infra-A' })] })).toEqual(['infra_not_applicable']);
    expect(codes({ entries: [entry({ itemKey: 'storage', infraId: 'A' }), entry({ itemKey: 'storage', infraId: 'B' })] })).toEqual([]);
    expect(
      codes({
        entries: [entry({ itemKey: 'storage', infraId: 'A' }), entry({ itemKey: 'storage', infraId: 'A', service: { kind: 'existing', productId: 'other' } })],
      }),
    ).toEqual(['duplicate_item']);
    expect(codes({ entries: [entry({ itemKey: 'storage', infraId: 'Z' })] }, { knownInfraIds: ['A'] })).toEqual(['unknown_storage']);
  });

  it('refuses unknown items and empty names', () => {
    expect(codes({ entries: [entry({ itemKey: 'teleporters' as never })] })).toEqual(['unknown_item']);
    expect(codes({ entries: [entry({ itemKey: 'servers', service: { kind: 'new', name: '  ' } })] })).toEqual(['empty_service_name']);
  });

  it('checks bundle membership', () => {
    expect(codes({ entries: [entry({ itemKey: 'servers', bundleIds: ['B1'] })] })).toEqual(['unknown_bundle']);
    expect(codes({ entries: [entry({ itemKey: 'servers' })], bundles: [{ bundleId: 'B1', name: 'Pack' }] })).toEqual(['empty_bundle']);
    expect(validateProductMapping({ entries: [entry({ itemKey: 'servers' })], bundles: [{ bundleId: 'B1', name: 'Pack' }] }).ok).toBe(true);
  });

  it('resolves product ids and service names', () => {
    const auto = entry({ itemKey: 'storage', infraId: 'A', service: { kind: 'auto' } });
    expect(targetProductIdOf(auto)).toBeNull();
    expect(targetProductIdOf({ ...auto, createdProductId: 'P5' })).toBe('P5');
    expect(serviceNameOf(auto, new Map([['A', 'EU storage']]))).toBe('Acronis Cyber Protect - Cloud storage (EU storage)');
    expect(serviceNameOf(entry({ itemKey: 'servers' }))).toBeNull();
    expect(serviceNameOf(entry({ itemKey: 'servers', service: { kind: 'new', name: ' Srv ' } }))).toBe('Srv');
  });

  it('indexes products and bundles', () => {
    const index = indexProductMapping({
      entries: [
        entry({ itemKey: 'workstations', bundleIds: ['B1'] }),
        entry({ itemKey: 'servers', bundleIds: ['B1'] }),
        entry({ itemKey: 'vms', service: { kind: 'auto' } }),
      ],
      bundles: [{ bundleId: 'B1', name: 'Pack' }],
    });
    expect([...index.keys()].sort()).toEqual(['B1', 'P-servers', 'P-workstations']);
    expect(index.get('B1')?.entries.map((e) => e.itemKey)).toEqual(['workstations', 'servers']);
    expect(index.get('B1')?.bundleId).toBe('B1');
  });

  it('names the products a mapping stands for: existing and created services, and their bundles', () => {
    const m: ProductMapping = {
      entries: [
        entry({ itemKey: 'workstations', service: { kind: 'existing', productId: '12' }, bundleIds: ['bundle:3'] }),
        entry({ itemKey: 'servers', service: { kind: 'auto' }, createdProductId: '14' }),
        entry({ itemKey: 'vms', service: { kind: 'new', name: 'VM backup' } }),
      ],
      bundles: [{ bundleId: 'bundle:3', name: 'Protection pack' }],
    };
    expect([...mappedProductIds(m)].sort()).toEqual(['12', '14', 'bundle:3']);
    expect(mappedProductIds({ entries: [] }).size).toBe(0);
  });
});
