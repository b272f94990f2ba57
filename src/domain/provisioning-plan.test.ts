import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BYTES_PER_GB, offeringItemCatalog } from './offering-item-catalog.ts';
import type { ProductMapping } from './product-mapping.ts';
import { contractLine, mappedItem, offeringItem } from './billing-fixtures.test-support.ts';
import {
  defaultProvisioningSettings,
  newCustomerStepKeys,
  planProvisioning,
  planUnfinishedNewCustomerSteps,
  type ProvisioningInput,
  type ProvisioningOperation,
  type ProvisioningPlan,
  type ProvisioningSettings,
  type TenantSnapshot,
} from './provisioning-plan.ts';
import type { OfferingItem, Quota, VendorTenant } from './vendor-model.ts';

// ─── fixtures ──────────────────────────────────────────────────────────────────────────────────

const NOW = new Date('2026-03-15T10:00:00Z');
const UNLIMITED: Quota = { value: null, overage: null };
const ZERO: Quota = { value: 0, overage: 0 };

const item = offeringItem;
const on = (name: string, quota: Quota | null = UNLIMITED, over: Partial<OfferingItem> = {}): OfferingItem => item(name, { enabled: true, quota, ...over });

/** What the partner offers: the current name of every catalog item, and storage on two storages. */
const available: OfferingItem[] = [
  ...offeringItemCatalog.filter((c) => !c.perStorage).map((c) => on(c.names[0] ?? '')),
  on('pw_base_storage', UNLIMITED, { infraId: 'infra-A' }),
  on('pw_base_storage', UNLIMITED, { infraId: 'infra-B' }),
  on('pw_base_dr_base', null, { infraId: 'infra-A', type: 'feature' }),
];

const e = mappedItem;

const mapping: ProductMapping = {
  entries: [
    e('workstations', 'P-WS', null, ['BUNDLE']),
    e('servers', 'P-SRV', null, ['BUNDLE']),
    e('vms', 'P-VM'),
    e('m365_seats', 'P-M365'),
    e('m365_mailboxes', 'P-MBX'),
    e('local_storage', 'P-LS'),
    e('storage', 'P-STA', 'infra-A'),
    e('storage', 'P-STB', 'infra-B'),
    e('adv_backup_workstations', 'P-ADVWS'),
    e('adv_security', 'P-SEC'),
  ],
  bundles: [{ bundleId: 'BUNDLE', name: 'Workstations and servers' }],
};

let lineSeq = 0;
const line = (productId: string, quantity: number, over: Partial<ContractLine> = {}): ContractLine =>
  contractLine({ lineId: `L${++lineSeq}`, productId, quantity, endDate: '2026-12-31', ...over });

const tenantRecord = (over: Partial<VendorTenant> = {}): VendorTenant => ({
  id: 'T1',
  name: 'Acme',
  parentId: 'PARTNER',
  kind: 'customer',
  enabled: true,
  version: 3,
  customerId: 'CO1',
  internalTag: null,
  language: 'en',
  mfaStatus: null,
  pricingMode: null,
  contact: null,
  createdAt: null,
  updatedAt: null,
  deletedAt: null,
  ancestralAccess: true,
  ...over,
});

const mapped = (items: OfferingItem[], over: Partial<VendorTenant> = {}): TenantSnapshot => ({
  state: 'mapped',
  tenant: tenantRecord(over),
  manageable: true,
  items,
});

function input(over: Partial<Omit<ProvisioningInput, 'settings'>> & { settings?: Partial<ProvisioningSettings> } = {}): ProvisioningInput {
  const { settings, ...rest } = over;
  return {
    integrationId: 'INT',
    parentTenantId: 'PARTNER',
    company: { id: 'CO1', name: 'Acme', primaryContact: { email: 'jane@acme.test', firstName: 'Jane', lastName: 'Doe' } },
    lines: [],
    mapping,
    tenant: mapped([]),
    availableForChild: available,
    manualPasswordSet: true,
    now: NOW,
    ...rest,
    settings: { ...defaultProvisioningSettings, ...settings },
  };
}

const setItems = (plan: ProvisioningPlan) => plan.operations.find((o) => o.kind === 'set_offering_items');
/** name|infra → { enabled, quota } of the changes. */
function changesOf(plan: ProvisioningPlan): Record<string, { enabled?: boolean; quota?: Quota }> {
  const op = setItems(plan);
  if (op?.kind !== 'set_offering_items') return {};
  return Object.fromEntries(op.changes.map((c) => [c.infraId ? `${c.name}|${c.infraId}` : c.name, { enabled: c.enabled, ...(c.quota ? { quota: c.quota } : {}) }]));
}
const codes = (plan: ProvisioningPlan): string[] => plan.problems.map((p) => p.code);

/** Applies a plan to a vendor-side state the way the connector would, to check idempotence. */
function apply(state: TenantSnapshot, plan: ProvisioningPlan): TenantSnapshot {
  let next = state;
  for (const op of plan.operations) next = applyOne(next, op);
  return next;
}
function applyOne(state: TenantSnapshot, op: ProvisioningOperation): TenantSnapshot {
  switch (op.kind) {
    case 'create_tenant':
      return mapped([], { id: 'T-NEW', name: op.name, internalTag: op.key });
    case 'set_offering_items': {
      if (state.state !== 'mapped') throw new Error('no tenant');
      const items = [...state.items];
      for (const c of op.changes) {
        const i = items.findIndex((x) => x.name === c.name && x.infraId === (c.infraId ?? null));
        const base = i >= 0 ? items[i]! : (available.find((a) => a.name === c.name && a.infraId === (c.infraId ?? null)) ?? item(c.name));
        const enabled = c.enabled ?? base.enabled;
        const updated = { ...base, enabled, quota: enabled ? (c.quota ?? base.quota) : null };
        if (i >= 0) items[i] = updated;
        else items.push(updated);
      }
      return { ...state, items };
    }
    case 'disable_tenant':
    case 'enable_tenant':
      if (state.state !== 'mapped') throw new Error('no tenant');
      return { ...state, tenant: { ...state.tenant, enabled: op.kind === 'enable_tenant', version: state.tenant.version + 1 } };
    case 'delete_tenant':
      if (state.state !== 'mapped') throw new Error('no tenant');
      return { state: 'missing', tenantId: state.tenant.id };
    case 'create_admin_user':
    case 'enable_mfa':
      return state;
  }
}

function expectIdempotent(start: ProvisioningInput): void {
  const first = planProvisioning(start);
  const after = apply(start.tenant, first);
  const second = planProvisioning({ ...start, tenant: after });
  expect(second.operations).toEqual([]);
}

// ─── tests ─────────────────────────────────────────────────────────────────────────────────────

describe('provisioning plan: prepaid and pay-as-you-go', () => {
  it('sets prepaid quotas to the contracted units, adding up lines of one item', () => {
    const plan = planProvisioning(
      input({
        lines: [line('P-WS', 5), line('P-WS', 3, { contractId: 'C2' }), line('P-SRV', 2), line('P-STA', 100), line('P-LS', 50)],
        tenant: mapped([on('pw_base_workstations', { value: 1, overage: null })]),
      }),
    );
    expect(plan.problems).toEqual([]);
    const c = changesOf(plan);
    expect(c['pw_base_workstations']).toEqual({ enabled: true, quota: { value: 8, overage: null } });
    expect(c['pw_base_servers']).toEqual({ enabled: true, quota: { value: 2, overage: null } });
    expect(c['pw_base_storage|infra-A']).toEqual({ enabled: true, quota: { value: 100 * BYTES_PER_GB, overage: null } });
    expect(c['local_storage']).toEqual({ enabled: true, quota: { value: 50 * BYTES_PER_GB, overage: null } });
    const op = setItems(plan);
    expect(op?.kind === 'set_offering_items' && op.decisions.find((d) => d.name === 'pw_base_workstations')).toMatchObject({
      reason: 'contract_prepaid',
      lineIds: expect.arrayContaining([expect.any(String), expect.any(String)]),
    });
  });

  it('keeps an overage a person set, and changes nothing when the quota already matches', () => {
    const plan = planProvisioning(
      input({ lines: [line('P-WS', 10), line('P-STA', 1)], tenant: mapped([on('pw_base_workstations', { value: 4, overage: 2 }), on('pw_base_storage', { value: BYTES_PER_GB, overage: null }, { infraId: 'infra-A' })]) }),
    );
    expect(changesOf(plan)).toEqual({ pw_base_workstations: { enabled: true, quota: { value: 10, overage: 2 } } });
  });

  it('leaves pay-as-you-go items unlimited', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 0, { billing: 'payg' }), line('P-STA', 0, { billing: 'payg' })], tenant: mapped([on('pw_base_workstations', { value: 5, overage: 1 })]) }));
    const c = changesOf(plan);
    expect(c['pw_base_workstations']).toEqual({ enabled: true, quota: UNLIMITED });
    expect(c['pw_base_storage|infra-A']).toEqual({ enabled: true, quota: UNLIMITED });
  });

  it('refuses a contract mixing PAYG and prepaid, leaving its items as they are, and applies the other contracts', () => {
    const plan = planProvisioning(
      input({
        lines: [line('P-WS', 5), line('P-SRV', 0, { billing: 'payg' }), line('P-VM', 4, { contractId: 'C2' })],
        tenant: mapped([on('pw_base_workstations', { value: 1, overage: null }), on('pw_base_servers', { value: 9, overage: null })]),
      }),
    );
    expect(codes(plan)).toContain('mixed_billing');
    const c = changesOf(plan);
    expect(c['pw_base_workstations']).toBeUndefined();
    expect(c['pw_base_servers']).toBeUndefined();
    expect(c['pw_base_vms']).toEqual({ enabled: true, quota: { value: 4, overage: null } });
  });

  it('accepts the mix where the target allows it; an item with a PAYG line is unlimited', () => {
    const plan = planProvisioning(input({ settings: { allowMixedBilling: true, defaultStorageInfraId: 'infra-A' }, lines: [line('P-WS', 5), line('P-WS', 0, { billing: 'payg' }), line('P-SRV', 2)] }));
    expect(plan.problems).toEqual([]);
    expect(changesOf(plan)['pw_base_workstations']).toEqual({ enabled: true, quota: UNLIMITED });
    expect(changesOf(plan)['pw_base_servers']).toEqual({ enabled: true, quota: { value: 2, overage: null } });
  });

  it('counts a bundle line for every service in the bundle', () => {
    const c = changesOf(planProvisioning(input({ lines: [line('BUNDLE', 7)] })));
    expect(c['pw_base_workstations']).toEqual({ enabled: true, quota: { value: 7, overage: null } });
    expect(c['pw_base_servers']).toEqual({ enabled: true, quota: { value: 7, overage: null } });
  });

  it('enables on/off feature items sold by the contract without a quota', () => {
    const c = changesOf(planProvisioning(input({ lines: [line('P-M365', 20), line('P-MBX', 1)] })));
    expect(c['pw_base_m365_seats']).toEqual({ enabled: true, quota: { value: 20, overage: null } });
    expect(c['pw_base_m365_mailboxes']).toEqual({ enabled: true });
  });

  it('writes the legacy-edition name when that is what the tenant has enabled', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 6)], tenant: mapped([on('workstations', { value: 2, overage: null }, { edition: 'standard' })]) }));
    expect(changesOf(plan)).toMatchObject({ workstations: { enabled: true, quota: { value: 6, overage: null } } });
    expect(changesOf(plan)['pw_base_workstations']).toBeUndefined();
  });
});

describe('provisioning plan: unmapped items and the Free option', () => {
  const current = [
    on('pw_base_workstations', { value: 5, overage: null }),
    on('pw_base_mobiles', { value: 3, overage: 1 }), // not mapped at all
    on('pw_base_vms', UNLIMITED), // mapped, not in the contract
    on('pw_base_m365_onedrive', null), // feature, not mapped
    item('pw_base_websites'), // disabled, not mapped
    on('pw_base_dr_base', null, { infraId: 'infra-A', type: 'feature' }), // not a catalog item
  ];

  it('Free off: enabled items get quota 0 (kept enabled), disabled stay disabled, features are disabled', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: mapped(current) }));
    expect(changesOf(plan)).toEqual({
      pw_base_mobiles: { enabled: true, quota: ZERO },
      pw_base_vms: { enabled: true, quota: ZERO },
      pw_base_m365_onedrive: { enabled: false },
    });
    const op = setItems(plan);
    expect(op?.kind === 'set_offering_items' && op.decisions.every((d) => d.reason === 'free_zero')).toBe(true);
  });

  it('Free on: every offered catalog item is enabled and unlimited, features without a quota', () => {
    const plan = planProvisioning(input({ settings: { freeProvisioning: true }, lines: [line('P-WS', 5)], tenant: mapped(current) }));
    const c = changesOf(plan);
    expect(c['pw_base_workstations']).toBeUndefined();
    expect(c['pw_base_mobiles']).toEqual({ enabled: true, quota: UNLIMITED });
    expect(c['pw_base_vms']).toBeUndefined(); // already unlimited
    expect(c['pw_base_websites']).toEqual({ enabled: true, quota: UNLIMITED });
    expect(c['pw_base_m365_onedrive']).toBeUndefined(); // already on
    expect(c['pw_base_google_mail']).toEqual({ enabled: true });
    expect(c['pw_pack_adv_dlp']).toEqual({ enabled: true, quota: UNLIMITED });
    // Storages are not switched on by the Free option.
    expect(c['pw_base_storage|infra-A']).toBeUndefined();
    expect(c['pw_base_storage|infra-B']).toBeUndefined();
    expect(Object.keys(c).some((k) => k.startsWith('pw_base_dr'))).toBe(false);
  });

  it('never touches items outside the catalog', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: mapped([...current, on('pw_base_adv_dr_storage', { value: 9, overage: null }, { infraId: 'infra-A' })]) }));
    expect(Object.keys(changesOf(plan)).some((k) => k.includes('_dr_'))).toBe(false);
  });
});

describe('provisioning plan: storage', () => {
  it('enables the default storage when the contract sells none (quota 0 with Free off, unlimited with Free on)', () => {
    const off = changesOf(planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-B' }, lines: [line('P-WS', 1)] })));
    expect(off['pw_base_storage|infra-B']).toEqual({ enabled: true, quota: ZERO });
    expect(off['pw_base_storage|infra-A']).toBeUndefined();
    const free = changesOf(planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-B', freeProvisioning: true }, lines: [line('P-WS', 1)] })));
    expect(free['pw_base_storage|infra-B']).toEqual({ enabled: true, quota: UNLIMITED });
    const op = setItems(planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-B' }, lines: [line('P-WS', 1)] })));
    expect(op?.kind === 'set_offering_items' && op.decisions.find((d) => d.infraId === 'infra-B')?.reason).toBe('default_storage');
  });

  it('does not add the default storage when the contract sells a storage', () => {
    const c = changesOf(planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-B' }, lines: [line('P-STA', 10)] })));
    expect(c['pw_base_storage|infra-A']).toEqual({ enabled: true, quota: { value: 10 * BYTES_PER_GB, overage: null } });
    expect(c['pw_base_storage|infra-B']).toBeUndefined();
  });

  it('zeroes (never disables) a storage that is no longer sold, Free off', () => {
    const plan = planProvisioning(input({ lines: [line('P-STA', 10)], tenant: mapped([on('pw_base_storage', { value: 50 * BYTES_PER_GB, overage: null }, { infraId: 'infra-B' })]) }));
    expect(changesOf(plan)['pw_base_storage|infra-B']).toEqual({ enabled: true, quota: ZERO });
  });

  it('warns when no storage is sold and none is chosen as default', () => {
    expect(codes(planProvisioning(input({ lines: [line('P-WS', 1)] })))).toEqual(['no_default_storage']);
  });
});

describe('provisioning plan: Advanced packs and availability', () => {
  it('refuses an Advanced pack sold without its Standard item, naming both', () => {
    const plan = planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-A' }, lines: [line('P-ADVWS', 5), line('P-SRV', 2)] }));
    const p = plan.problems.find((x) => x.code === 'advanced_without_standard');
    expect(p?.message).toContain('Advanced Backup - Workstations');
    expect(p?.message).toContain('without Workstations');
    expect(p?.context).toMatchObject({ item: 'adv_backup_workstations', requires: 'workstations' });
    expect(changesOf(plan)['pw_pack_adv_backup_workstations']).toBeUndefined();
  });

  it('zeroes an Advanced pack already enabled whose Standard item is gone', () => {
    const plan = planProvisioning(
      input({
        settings: { defaultStorageInfraId: 'infra-A' },
        lines: [line('P-ADVWS', 5), line('P-SRV', 1)],
        tenant: mapped([on('pw_pack_adv_backup_workstations', { value: 5, overage: null })]),
      }),
    );
    expect(changesOf(plan)['pw_pack_adv_backup_workstations']).toEqual({ enabled: true, quota: ZERO });
    const op = setItems(plan);
    expect(op?.kind === 'set_offering_items' && op.decisions.find((d) => d.name === 'pw_pack_adv_backup_workstations')?.reason).toBe('advanced_without_standard');
  });

  it('provisions an Advanced pack with its Standard item, or with any one of the items it may sit on', () => {
    const plan = planProvisioning(input({ settings: { defaultStorageInfraId: 'infra-A' }, lines: [line('P-ADVWS', 5), line('P-WS', 5), line('P-SEC', 3), line('P-VM', 1)] }));
    expect(plan.problems).toEqual([]);
    expect(changesOf(plan)['pw_pack_adv_backup_workstations']).toEqual({ enabled: true, quota: { value: 5, overage: null } });
    expect(changesOf(plan)['pw_pack_adv_security']).toEqual({ enabled: true, quota: { value: 3, overage: null } });
  });

  it('with Free on, the free Standard item carries the sold Advanced pack', () => {
    const plan = planProvisioning(input({ settings: { freeProvisioning: true, defaultStorageInfraId: 'infra-A' }, lines: [line('P-ADVWS', 5)] }));
    expect(codes(plan)).toEqual([]);
    expect(changesOf(plan)['pw_pack_adv_backup_workstations']).toEqual({ enabled: true, quota: { value: 5, overage: null } });
  });

  it('reports a sold item the parent does not offer, and does not try it', () => {
    const plan = planProvisioning(
      input({ settings: { defaultStorageInfraId: 'infra-A' }, lines: [line('P-VM', 3), line('P-WS', 1)], availableForChild: available.filter((a) => a.name !== 'pw_base_vms') }),
    );
    expect(plan.problems.map((p) => [p.code, p.context.item])).toEqual([['item_not_available', 'vms']]);
    expect(changesOf(plan)['pw_base_vms']).toBeUndefined();
    expect(changesOf(plan)['pw_base_workstations']).toBeDefined();
  });
});

describe('provisioning plan: tenants', () => {
  it('never changes an unmanageable (self-service) tenant', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: { ...(mapped([]) as Extract<TenantSnapshot, { state: 'mapped' }>), manageable: false, unmanageableReason: 'self-service' } }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['tenant_unmanageable']);
    expect(plan.problems[0]?.message).toContain('self-service');
  });

  it("never changes a self-service tenant (ancestralAccess false), even with no refusal recorded", () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: mapped([], { ancestralAccess: false }) }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['tenant_unmanageable']);
    expect(plan.problems[0]?.message).toContain('self-service');
  });

  it('reports a mapped tenant that is gone, without recreating it', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: { state: 'missing', tenantId: 'T9' } }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['tenant_missing']);
  });

  it('leaves a company alone when it has no line on a mapped product, or only future ones', () => {
    expect(planProvisioning(input({ lines: [line('UNMAPPED', 5)], tenant: mapped([on('pw_base_workstations')]) }))).toEqual({ companyId: 'CO1', operations: [], problems: [] });
    expect(planProvisioning(input({ lines: [line('P-WS', 5, { startDate: '2026-04-01' })], tenant: mapped([on('pw_base_workstations')]) })).operations).toEqual([]);
  });

  it('refuses to plan on an invalid product mapping', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], mapping: { entries: [e('adv_backup_vms', 'X')] } }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['invalid_product_mapping', 'advanced_without_standard']);
  });

  it('does not create a tenant for an unmapped company when automatic provisioning is off', () => {
    const plan = planProvisioning(input({ lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['not_mapped']);
  });

  it('creates tenant, items, admin user and 2FA for an unmapped company with a contract when automatic provisioning is on', () => {
    const plan = planProvisioning(
      input({ settings: { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: 'infra-A' }, lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }),
    );
    expect(plan.operations.map((o) => o.kind)).toEqual(['create_tenant', 'set_offering_items', 'create_admin_user', 'enable_mfa']);
    const [create, items, user, mfa] = plan.operations;
    expect(create).toEqual({ kind: 'create_tenant', key: 'create_tenant:INT:CO1', parentId: 'PARTNER', name: 'Acme', companyId: 'CO1', pricingMode: 'production' });
    const ref = { kind: 'created', createKey: 'create_tenant:INT:CO1' };
    expect(items).toMatchObject({ tenant: ref });
    expect(changesOf(plan)).toEqual({
      pw_base_workstations: { enabled: true, quota: { value: 5, overage: null } },
      'pw_base_storage|infra-A': { enabled: true, quota: ZERO },
    });
    expect(user).toMatchObject({ tenant: ref, login: 'jane.doe', email: 'jane@acme.test', firstName: 'Jane', lastName: 'Doe', role: 'company_admin', password: 'activation_email' });
    expect(mfa).toMatchObject({ kind: 'enable_mfa', tenant: ref });
  });

  it('skips 2FA when not set, and bases the account on the company name when asked', () => {
    const plan = planProvisioning(
      input({
        settings: { automaticProvisioning: true, adminAccount: { basedOn: 'company_name', activationEmail: 'ops@msp.test', password: 'manual' } },
        lines: [line('P-WS', 5)],
        tenant: { state: 'not_mapped' },
      }),
    );
    expect(plan.operations.map((o) => o.kind)).toEqual(['create_tenant', 'set_offering_items', 'create_admin_user']);
    expect(plan.operations[2]).toMatchObject({ login: 'acme', email: 'ops@msp.test', firstName: null, lastName: null, password: 'manual' });
  });

  it('does not create a tenant it cannot give an admin account', () => {
    const noContact = planProvisioning(input({ settings: { automaticProvisioning: true }, company: { id: 'CO1', name: 'Acme', primaryContact: null }, lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }));
    expect(noContact.operations).toEqual([]);
    expect(codes(noContact)).toEqual(['admin_contact_missing']);
    const noEmail = planProvisioning(
      input({ settings: { automaticProvisioning: true, adminAccount: { basedOn: 'company_name', activationEmail: null, password: 'activation_email' } }, lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }),
    );
    expect(codes(noEmail)).toEqual(['admin_email_missing']);
  });

  it('does not create a tenant whose admin account nobody could use: manual passwords with none stored, or an invalid contact email', () => {
    const manual = { basedOn: 'company_name', activationEmail: 'ops@msp.test', password: 'manual' } as const;
    const noPassword = planProvisioning(input({ settings: { automaticProvisioning: true, adminAccount: manual }, manualPasswordSet: false, lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }));
    expect(noPassword.operations).toEqual([]);
    expect(noPassword.problems).toEqual([
      expect.objectContaining({ code: 'admin_password_missing', severity: 'error', message: expect.stringContaining('/api/v1/integrations/INT/settings/provisioning/admin-password') }),
    ]);
    const badEmail = planProvisioning(
      input({ settings: { automaticProvisioning: true }, company: { id: 'CO1', name: 'Acme', primaryContact: { email: 'jane at acme', firstName: 'Jane', lastName: 'Doe' } }, lines: [line('P-WS', 5)], tenant: { state: 'not_mapped' } }),
    );
    expect(badEmail.operations).toEqual([]);
    expect(codes(badEmail)).toEqual(['admin_contact_missing']);
  });

  it('plans the unfinished new-customer steps of a tenant it created on that tenant, leaving out those done', () => {
    const withMfa = input({ settings: { mfaForNewCustomers: true }, lines: [line('P-WS', 5)], tenant: mapped([]) });
    const [userKey, mfaKey] = newCustomerStepKeys('INT', 'CO1', true) as [string, string];
    const existing = { kind: 'existing', tenantId: 'T1' };
    const none = planUnfinishedNewCustomerSteps(withMfa, 'T1', new Set());
    expect(none.operations.map((o) => [o.kind, o.key])).toEqual([
      ['create_admin_user', userKey],
      ['enable_mfa', mfaKey],
    ]);
    expect(none.operations.every((o) => 'tenant' in o && JSON.stringify(o.tenant) === JSON.stringify(existing))).toBe(true);
    expect(planUnfinishedNewCustomerSteps(withMfa, 'T1', new Set([userKey, mfaKey]))).toEqual({ operations: [], problems: [] });
    // The admin user exists: 2FA is still planned, whatever the account settings say now.
    const userDone = planUnfinishedNewCustomerSteps({ ...withMfa, manualPasswordSet: false, settings: { ...withMfa.settings, adminAccount: { basedOn: 'primary_contact', activationEmail: null, password: 'manual' } } }, 'T1', new Set([userKey]));
    expect(userDone).toEqual({ operations: [{ kind: 'enable_mfa', key: mfaKey, tenant: existing }], problems: [] });
    // No account can be made: nothing is planned, and the problem says why.
    const noContact = planUnfinishedNewCustomerSteps({ ...withMfa, company: { id: 'CO1', name: 'Acme', primaryContact: null } }, 'T1', new Set());
    expect(noContact.operations).toEqual([]);
    expect(noContact.problems.map((p) => p.code)).toEqual(['admin_contact_missing']);
    // No contract in effect: not a customer the hub would provision, so no steps.
    expect(planUnfinishedNewCustomerSteps({ ...withMfa, lines: [] }, 'T1', new Set()).operations).toEqual([]);
  });

  it('does not create a tenant for a company whose only contract is refused', () => {
    const plan = planProvisioning(input({ settings: { automaticProvisioning: true }, lines: [line('P-WS', 5), line('P-SRV', 1, { billing: 'payg' })], tenant: { state: 'not_mapped' } }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['mixed_billing']);
  });

  it('re-enables a disabled tenant with a contract in effect only when the hub disables tenants', () => {
    const t = mapped([on('pw_base_workstations', { value: 5, overage: null })], { enabled: false });
    expect(planProvisioning(input({ lines: [line('P-WS', 5)], tenant: t })).operations).toEqual([]);
    const plan = planProvisioning(input({ settings: { deprovisioning: { zeroQuotas: false, disableTenant: true, deleteTenant: false } }, lines: [line('P-WS', 5)], tenant: t }));
    expect(plan.operations.map((o) => o.kind)).toEqual(['enable_tenant']);
  });
});

describe('provisioning plan: deprovisioning when the contract ends', () => {
  const ended = () => [line('P-WS', 5, { endDate: '2026-02-28' }), line('P-STA', 10, { endDate: '2026-02-28' })];
  const items = [
    on('pw_base_workstations', { value: 5, overage: 1 }),
    on('pw_base_storage', { value: 10 * BYTES_PER_GB, overage: null }, { infraId: 'infra-A' }),
    on('pw_base_m365_mailboxes', null, { type: 'feature' }),
    on('pw_base_adv_dr_storage', { value: 3, overage: null }, { infraId: 'infra-A' }),
    item('pw_base_servers'),
    on('pw_base_vms', ZERO),
  ];
  const off = { zeroQuotas: false, disableTenant: false, deleteTenant: false };

  it('does nothing by default (all options off), and says so', () => {
    const plan = planProvisioning(input({ lines: ended(), tenant: mapped(items) }));
    expect(plan.operations).toEqual([]);
    expect(codes(plan)).toEqual(['contract_ended']);
  });

  it('zero quotas: every enabled item with a quota gets 0', () => {
    const plan = planProvisioning(input({ settings: { deprovisioning: { ...off, zeroQuotas: true } }, lines: ended(), tenant: mapped(items) }));
    expect(plan.operations.map((o) => o.kind)).toEqual(['set_offering_items']);
    expect(changesOf(plan)).toEqual({
      pw_base_workstations: { enabled: true, quota: ZERO },
      'pw_base_storage|infra-A': { enabled: true, quota: ZERO },
      'pw_base_adv_dr_storage|infra-A': { enabled: true, quota: ZERO },
    });
  });

  it('disable: disables the tenant once', () => {
    const plan = planProvisioning(input({ settings: { deprovisioning: { ...off, disableTenant: true } }, lines: ended(), tenant: mapped(items) }));
    expect(plan.operations).toEqual([{ kind: 'disable_tenant', key: expect.stringMatching(/^disable_tenant:INT:T1:/), tenantId: 'T1' }]);
    expect(planProvisioning(input({ settings: { deprovisioning: { ...off, disableTenant: true } }, lines: ended(), tenant: mapped(items, { enabled: false }) })).operations).toEqual([]);
  });

  it('zero quotas and disable: quotas first, then the tenant', () => {
    const plan = planProvisioning(input({ settings: { deprovisioning: { ...off, zeroQuotas: true, disableTenant: true } }, lines: ended(), tenant: mapped(items) }));
    expect(plan.operations.map((o) => o.kind)).toEqual(['set_offering_items', 'disable_tenant']);
  });

  it('delete: deletes the tenant, nothing else', () => {
    const plan = planProvisioning(input({ settings: { deprovisioning: { zeroQuotas: true, disableTenant: true, deleteTenant: true } }, lines: ended(), tenant: mapped(items) }));
    expect(plan.operations).toEqual([{ kind: 'delete_tenant', key: 'delete_tenant:INT:T1', tenantId: 'T1' }]);
  });

  it('an inactive contract counts as ended; another contract in effect keeps the tenant', () => {
    const inactive = [line('P-WS', 5, { active: false })];
    expect(planProvisioning(input({ settings: { deprovisioning: { ...off, deleteTenant: true } }, lines: inactive, tenant: mapped(items) })).operations.map((o) => o.kind)).toEqual([
      'delete_tenant',
    ]);
    const renewed = [...ended(), line('P-WS', 5, { contractId: 'C2', startDate: '2026-03-01' })];
    expect(planProvisioning(input({ settings: { deprovisioning: { ...off, deleteTenant: true } }, lines: renewed, tenant: mapped(items) })).operations.map((o) => o.kind)).toEqual([
      'set_offering_items',
    ]);
  });

  it('a self-service tenant is not deprovisioned either', () => {
    const t = { ...(mapped(items) as Extract<TenantSnapshot, { state: 'mapped' }>), manageable: false };
    expect(planProvisioning(input({ settings: { deprovisioning: { ...off, deleteTenant: true } }, lines: ended(), tenant: t })).operations).toEqual([]);
  });
});

describe('provisioning plan: idempotence and keys', () => {
  const scenarios: [string, ProvisioningInput][] = [
    [
      'prepaid, Free off, default storage',
      input({
        settings: { defaultStorageInfraId: 'infra-A' },
        lines: [line('P-WS', 5), line('P-ADVWS', 5), line('P-M365', 3), line('P-MBX', 1)],
        tenant: mapped([on('pw_base_mobiles', { value: 2, overage: null }), on('pw_base_google_mail', null)]),
      }),
    ],
    ['pay-as-you-go, Free on', input({ settings: { freeProvisioning: true }, lines: [line('P-WS', 0, { billing: 'payg' }), line('P-STB', 0, { billing: 'payg' })] })],
    ['new tenant', input({ settings: { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: 'infra-B' }, lines: [line('BUNDLE', 4)], tenant: { state: 'not_mapped' } })],
    [
      'deprovisioning zero + disable',
      input({
        settings: { deprovisioning: { zeroQuotas: true, disableTenant: true, deleteTenant: false } },
        lines: [line('P-WS', 5, { endDate: '2026-01-31' })],
        tenant: mapped([on('pw_base_workstations', { value: 5, overage: null })]),
      }),
    ],
    [
      'deprovisioning delete',
      input({ settings: { deprovisioning: { zeroQuotas: false, disableTenant: false, deleteTenant: true } }, lines: [line('P-WS', 5, { endDate: '2026-01-31' })], tenant: mapped([]) }),
    ],
  ];

  it.each(scenarios)('planning again on the applied state gives nothing: %s', (_name, start) => {
    expect(planProvisioning(start).operations.length).toBeGreaterThan(0);
    expectIdempotent(start);
  });

  it('gives the same plan and keys for the same inputs, whatever their order', () => {
    const lines = [line('P-WS', 5), line('P-SRV', 2), line('P-STA', 10)];
    const a = planProvisioning(input({ lines, tenant: mapped([on('pw_base_mobiles', UNLIMITED), on('pw_base_vms', UNLIMITED)]) }));
    const b = planProvisioning(input({ lines: [...lines].reverse(), tenant: mapped([on('pw_base_vms', UNLIMITED), on('pw_base_mobiles', UNLIMITED)]) }));
    expect(b).toEqual(a);
    expect(a.operations[0]?.key).toMatch(/^set_offering_items:INT:T1:[0-9a-f]{16}$/);
  });

  it('gives a different key to a different intent or a different observed state', () => {
    const key = (units: number, current: number) =>
      planProvisioning(input({ lines: [line('P-WS', units)], tenant: mapped([on('pw_base_workstations', { value: current, overage: null })]) })).operations[0]?.key;
    expect(key(5, 1)).toBe(key(5, 1));
    expect(key(5, 1)).not.toBe(key(6, 1));
    expect(key(5, 1)).not.toBe(key(5, 2));
  });

  it('keys tenant creation by integration and company only, so a retry finds the first tenant', () => {
    const k = (lines: ContractLine[]) =>
      planProvisioning(input({ settings: { automaticProvisioning: true }, lines, tenant: { state: 'not_mapped' } })).operations.find((o) => o.kind === 'create_tenant')?.key;
    expect(k([line('P-WS', 5)])).toBe('create_tenant:INT:CO1');
    expect(k([line('P-SRV', 9)])).toBe('create_tenant:INT:CO1');
  });
});
