/**
 * Guards on changes that take service from a customer. The provisioning plan decides what each
 * tenant should have; this decides which of those changes may go out without a person:
 *
 * - a quota lowered below what the customer uses now (workstations 60 → 0 with 55 in use);
 * - an item turned off while it is in use;
 * - a tenant disabled or deleted (deprovisioning).
 *
 * Such a change waits, as an `awaiting_approval` problem that says what would happen, until a person
 * approves its key (one change, a company's changes, or the whole pass), unless the integration's
 * settings allow reductions. An approval holds for that exact change: if the contract changes again
 * and the plan wants something else, the new change waits for its own approval.
 *
 * And a company whose contracts are all cancelled gets no new tenant "with no items" in silence: the
 * creation is dropped and the plan says why.
 *
 * Pure: the loop passes the tenant's current usage (read only for tenants with a candidate change).
 */
import { problem, type PlanProblem } from './plan-problem.ts';
import { operationKey } from './stable-key.ts';
import type { ItemDecision, ProvisioningOperation, ProvisioningPlan } from './provisioning-plan.ts';
import type { VendorUsage } from './vendor-model.ts';

export interface HeldChange {
  key: string;
  companyId: string;
  kind: 'quota_below_usage' | 'item_off_in_use' | 'disable_tenant' | 'delete_tenant';
  /** The item's name as the vendor knows it (null for a tenant-wide change). */
  item: string | null;
  infraId: string | null;
  from: number | null | 'off';
  to: number | null | 'off';
  inUse: number | null;
  /** "workstations 60 → 0, 55 in use" */
  description: string;
}

export interface GuardInput {
  plan: ProvisioningPlan;
  companyName: string;
  /** Usage of the tenant now; empty when there is none or it was not needed. */
  usage: readonly VendorUsage[];
  /** The integration's settings let reductions go out without approval. */
  allowReductions: boolean;
  /** Change keys a person approved. */
  approved: ReadonlySet<string>;
  /** The company's contracts, to tell "all cancelled" from "none". */
  contracts: readonly { active: boolean }[];
  /** Names a person reads for an item (workstations → "Workstations"); the vendor name otherwise. */
  itemLabel?: (name: string, infraId: string | null) => string;
}

export interface GuardResult {
  plan: ProvisioningPlan;
  held: HeldChange[];
}

const quotaText = (value: number | null | 'off'): string => (value === 'off' ? 'off' : value === null ? 'unlimited' : String(value));
const GB = 1024 ** 3;
/** Storage is counted in bytes; a person reads GB. */
const amountText = (value: number | null | 'off', bytes: boolean): string => (bytes && typeof value === 'number' ? `${Math.round((value / GB) * 10) / 10} GB` : quotaText(value));

/** Whether the plan holds a change this guard looks at (so the loop reads usage only then). */
export function hasReductionCandidate(plan: ProvisioningPlan): boolean {
  return plan.operations.some(
    (op) => op.kind === 'disable_tenant' || op.kind === 'delete_tenant' || (op.kind === 'set_offering_items' && op.decisions.some((d) => isReduction(d))),
  );
}

function isReduction(d: ItemDecision): boolean {
  if (!d.from.enabled) return false;
  if (!d.to.enabled) return true;
  const from = d.from.quota?.value ?? null;
  const to = d.to.quota?.value ?? null;
  return to !== null && (from === null || to < from);
}

function usageOf(usage: readonly VendorUsage[], name: string, infraId: string | null): { value: number; bytes: boolean } | null {
  const found = usage.filter((u) => (u.name === name || u.usageName === name) && (u.infraId ?? null) === infraId);
  if (found.length === 0) return null;
  return { value: found.reduce((sum, u) => sum + u.value, 0), bytes: found.some((u) => u.measurementUnit === 'bytes') };
}

export function changeKey(companyId: string, kind: HeldChange['kind'], item: string | null, infraId: string | null, to: HeldChange['to']): string {
  return [companyId, kind, item ?? '', infraId ?? '', quotaText(to)].join('|');
}

export function guardServiceReductions(input: GuardInput): GuardResult {
  const { plan, companyName } = input;
  const label = input.itemLabel ?? ((name: string) => name);
  const problems: PlanProblem[] = [...plan.problems];
  const held: HeldChange[] = [];

  // A company whose contracts are all cancelled: no new tenant with nothing in it.
  const creates = plan.operations.some((op) => op.kind === 'create_tenant');
  if (creates && input.contracts.length > 0 && input.contracts.every((c) => !c.active)) {
    problems.push(
      problem('contracts_cancelled', 'warning', `Every contract of "${companyName}" is cancelled, so no customer tenant is created for it.`, { companyId: plan.companyId }),
    );
    return { plan: { ...plan, operations: [], problems }, held };
  }

  const hold = (change: Omit<HeldChange, 'key' | 'companyId'>): boolean => {
    const key = changeKey(plan.companyId, change.kind, change.item, change.infraId, change.to);
    if (input.allowReductions || input.approved.has(key)) return false;
    held.push({ ...change, key, companyId: plan.companyId });
    return true;
  };

  const operations: ProvisioningOperation[] = [];
  for (const op of plan.operations) {
    if (op.kind === 'disable_tenant' || op.kind === 'delete_tenant') {
      const what = op.kind === 'disable_tenant' ? 'disable' : 'delete';
      if (hold({ kind: op.kind, item: null, infraId: null, from: null, to: null, inUse: null, description: `${what} the customer tenant of "${companyName}"` })) continue;
      operations.push(op);
      continue;
    }
    if (op.kind !== 'set_offering_items') {
      operations.push(op);
      continue;
    }
    const keptDecisions: ItemDecision[] = [];
    const dropped = new Set<string>();
    for (const d of op.decisions) {
      const used = usageOf(input.usage, d.name, d.infraId);
      const inUse = used?.value ?? null;
      const bytes = used?.bytes ?? false;
      const from = d.from.enabled ? (d.from.quota?.value ?? null) : 'off';
      const to = d.to.enabled ? (d.to.quota?.value ?? null) : 'off';
      let held_ = false;
      if (isReduction(d) && inUse !== null && inUse > 0) {
        const belowUsage = to === 'off' || (to !== null && to < inUse);
        if (belowUsage) {
          held_ = hold({
            kind: to === 'off' ? 'item_off_in_use' : 'quota_below_usage',
            item: d.name,
            infraId: d.infraId,
            from,
            to,
            inUse,
            description: `${label(d.name, d.infraId)} ${amountText(from, bytes)} → ${amountText(to, bytes)}, ${amountText(inUse, bytes)} in use`,
          });
        }
      }
      if (held_) dropped.add(`${d.name}|${d.infraId ?? ''}`);
      else keptDecisions.push(d);
    }
    if (dropped.size === 0) {
      operations.push(op);
      continue;
    }
    const changes = op.changes.filter((c) => !dropped.has(`${c.name}|${c.infraId ?? ''}`));
    // The rest goes out under its own key: the plan's key pins the whole set, which is applied
    // (under that key) once the held part is approved.
    const payload = keptDecisions.map((d) => ({ name: d.name, infraId: d.infraId, from: d.from, to: d.to }));
    if (changes.length > 0) operations.push({ ...op, key: operationKey('set_offering_items_unguarded', [op.key], payload), changes, decisions: keptDecisions });
  }

  if (held.length > 0) {
    for (const change of held) {
      problems.push(
        problem('awaiting_approval', 'warning', `Waiting for approval: ${change.description}.`, {
          companyId: plan.companyId,
          changeKey: change.key,
          change: change.kind,
          item: change.item,
          from: change.from === null ? 'unlimited' : change.from,
          to: change.to === null ? 'unlimited' : change.to,
          inUse: change.inUse,
        }),
      );
    }
  }
  return { plan: { ...plan, operations, problems }, held };
}
