/**
 * Whether the partner may manage a customer tenant, one rule for every loop and action.
 *
 * The vendor says so on the tenant itself: `ancestral_access` false is a self-service customer (the
 * partner has no access to it; reference acronis.md §2). The reference knows no other "support
 * access" field, so the only other source is a refusal a loop recorded when the vendor answered
 * 403 (`recorded`). Pure: no imports but the domain's.
 */
import type { VendorTenant } from './vendor-model.ts';

export const SELF_SERVICE_REASON = 'the customer manages itself (self-service mode): the partner has no access to it';

/**
 * Why the partner may not manage the tenant, or null. `recorded` is a refusal a loop saw earlier.
 * A snapshot written before the field was read has no `ancestralAccess`: read as the vendor's
 * default (true) until the next observation refreshes it.
 */
export function unmanageableReason(tenant: Pick<VendorTenant, 'ancestralAccess'> | null, recorded: string | null = null): string | null {
  if (tenant !== null && tenant.ancestralAccess === false) return SELF_SERVICE_REASON;
  return recorded;
}
