/**
 * Which vendor alerts a billing platform gets as tickets, and with which priority (1 low … 4 very
 * high): the alert types a person enables (none listed = every type), a priority per type, and for
 * a type without one a priority from the alert's severity. Parsed from the integration's text
 * settings (`BackupFailed=3, MalwareDetected=4`), with an error that names what to fix.
 */
export type Priority = 1 | 2 | 3 | 4;

export interface AlertPolicy {
  /** Empty = every type. */
  types: ReadonlySet<string>;
  priorities: ReadonlyMap<string, Priority>;
}

const BY_SEVERITY: Readonly<Record<string, Priority>> = { critical: 4, error: 3, warning: 2, information: 1, ok: 1 };

export function parseAlertPolicy(settings: { alertTypes?: string | undefined; alertPriorities?: string | undefined }): AlertPolicy {
  const types = new Set((settings.alertTypes ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  const priorities = new Map<string, Priority>();
  for (const part of (settings.alertPriorities ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const match = /^([^=\s]+)\s*=\s*([1-4])$/.exec(part);
    if (match === null) throw new Error(`alert priorities: "${part}" is not "<alert type>=<1..4>" (1 low, 2 medium, 3 high, 4 very high)`);
    priorities.set(match[1] as string, Number(match[2]) as Priority);
  }
  return { types, priorities };
}

export function alertEnabled(policy: AlertPolicy, type: string): boolean {
  return policy.types.size === 0 || policy.types.has(type);
}

export function alertPriority(policy: AlertPolicy, type: string, severity: string): Priority {
  return policy.priorities.get(type) ?? BY_SEVERITY[severity] ?? 2;
}

/** When to ask again whether a queued alert became a ticket: 30 s, 1, 2, 4 … minutes, at most an hour. */
export function nextDeliveryCheckMs(checks: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, checks));
}
