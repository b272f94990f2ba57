/**
 * Which passes a batch of the vendor's tenant events calls for (issue 16: tenant changes applied in
 * seconds). Pure: the events, which tenants are mapped, and whether provisioning is on, in; the
 * loops to run now, in the order to run them, out.
 *
 * - Any lifecycle change of a tenant (created, updated — a rename or a move —, enabled, disabled,
 *   deleted) → the directory pass, which re-reads the changed tenants: the mapping list shows the new
 *   name and state, a deleted mapped tenant fails its mapping, a new tenant can be suggested.
 * - A change of a mapped tenant other than its creation → also the provisioning pass (after the
 *   directory's), which sees a disabled or deleted customer at once instead of at its next poll.
 * - Types the hub does not know (the topic also carries e.g. authentication-consent changes) call for
 *   nothing: the scheduled passes still run.
 */
/** What happened to a tenant, as the vendor's tenant topic says; `other` for a type the hub does not know. */
export type TenantEventKind = 'created' | 'updated' | 'enabled' | 'disabled' | 'deleted' | 'other';
export type TenantEventLoop = 'directory' | 'provisioning';

export interface TenantEventFacts {
  kind: TenantEventKind;
  tenantId: string;
}

export function loopsForTenantEvents(events: readonly TenantEventFacts[], context: { mappedTenants: ReadonlySet<string>; provisioning: boolean }): TenantEventLoop[] {
  const relevant = events.filter((e) => e.kind !== 'other');
  if (relevant.length === 0) return [];
  const provisioning = context.provisioning && relevant.some((e) => e.kind !== 'created' && context.mappedTenants.has(e.tenantId));
  return provisioning ? ['directory', 'provisioning'] : ['directory'];
}
