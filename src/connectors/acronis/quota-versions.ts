/**
 * Quota versions (Acronis' optimistic lock on a quota: epoch-ms, 0 when unset) per tenant and
 * offering item, remembered from what the hub already read or wrote, so that a quota write needs no
 * read of its own first. A provisioning pass lists the offering items of the whole subtree before it
 * writes; without this, each quota write read the tenant's items again only to learn the versions,
 * half the vendor calls of a first provisioning.
 *
 * The versions are only a hint: the vendor refuses a write with a stale one (1001, version
 * conflict), and the writer then forgets the tenant, reads it and retries (vendor.ts), so a change
 * someone else made between the listing and the write is never overwritten unseen.
 *
 * A tenant is known only from a complete view of its items (its own item list, or a full subtree
 * listing that went to its end): an item missing from a complete view has version 0 (disabled, or
 * no quota set). An incremental listing (changed items only) updates tenants already known and
 * teaches nothing about the others. Only non-zero versions are kept, so 10,000 tenants with a few
 * quotas each stay small.
 */
import type { WireOfferingItem } from './wire.ts';
import { isOn, offeringItemKey } from './mapping.ts';

type Versions = Map<string, number>;

export class QuotaVersions {
  readonly #byTenant = new Map<string, Versions>();

  /** A complete view of the tenant's items: replaces what was known. */
  rememberTenant(tenantId: string, items: readonly WireOfferingItem[]): void {
    const versions: Versions = new Map();
    for (const item of items) setVersion(versions, item);
    this.#byTenant.set(tenantId, versions);
  }

  /** Items the vendor just answered (a write's updated items, an incremental listing): folded into a tenant already known. */
  rememberItems(tenantId: string, items: readonly WireOfferingItem[]): void {
    const versions = this.#byTenant.get(tenantId);
    if (versions === undefined) return;
    for (const item of items) setVersion(versions, item);
  }

  /** A full subtree listing, fed page by page; each tenant it listed is known once the listing ends. */
  startListing(): { add(tenantId: string, item: WireOfferingItem): void; finish(): void } {
    const listed = new Map<string, Versions>();
    return {
      add: (tenantId, item) => {
        let versions = listed.get(tenantId);
        if (versions === undefined) listed.set(tenantId, (versions = new Map()));
        setVersion(versions, item);
      },
      finish: () => {
        for (const [tenantId, versions] of listed) this.#byTenant.set(tenantId, versions);
      },
    };
  }

  /** The version to send for the item, or undefined when the tenant is not known (read it first). */
  versionOf(tenantId: string, item: { name: string; infraId?: string | null | undefined }): number | undefined {
    const versions = this.#byTenant.get(tenantId);
    if (versions === undefined) return undefined;
    return versions.get(offeringItemKey(item)) ?? 0;
  }

  knows(tenantId: string): boolean {
    return this.#byTenant.has(tenantId);
  }

  /** After a refused write: what was known about the tenant is stale. */
  forget(tenantId: string): void {
    this.#byTenant.delete(tenantId);
  }
}

function setVersion(versions: Versions, item: WireOfferingItem): void {
  const key = offeringItemKey({ name: item.name, infraId: item.infra_id });
  const version = isOn(item.status) ? (item.quota?.version ?? 0) : 0;
  if (version === 0) versions.delete(key);
  else versions.set(key, version);
}
