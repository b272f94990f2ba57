/**
 * Timed deprovisioning (the vendor's auto-deprovisioning rule, reference/interworks-gradient-wire.md
 * §3): once a company has no active contract with a mapped service, its tenant is disabled after N
 * days and deleted after M days (10 and 30 are the vendor's defaults; both steps are off by default).
 * The countdown is visible per company and is cancelled when a contract returns.
 *
 * Pure: the stored start of the countdown and `now` come in; what to store, what is due and what a
 * person sees come out.
 *
 * Decisions where the vendor is silent:
 * - both periods count from the same start, the moment the hub first saw the company without a
 *   contract in effect (not the contract's end date): a hub switched on today never deletes a tenant
 *   whose contract ended two years ago without giving a person the whole countdown to react;
 * - deletion must not come before disabling, so M ≥ N when both are on (checked by
 *   `validateTimedDeprovisioning`); with only deletion on, the tenant is disabled at the moment it is
 *   deleted (the vendor deletes only disabled tenants);
 * - "days" are whole periods of 24 hours from the start; a step is due at or after its instant;
 * - a countdown is cancelled (cleared) as soon as a line is in effect again, and starts afresh if the
 *   contract lapses later; the tenant a countdown disabled is enabled again by the planner then.
 */

export interface TimedStep {
  enabled: boolean;
  days: number;
}

export interface TimedDeprovisioningSettings {
  disable: TimedStep;
  delete: TimedStep;
}

/** The vendor's numbers; both steps off, as the vendor ships them. */
export const VENDOR_DISABLE_AFTER_DAYS = 10;
export const VENDOR_DELETE_AFTER_DAYS = 30;

export const defaultTimedDeprovisioning: TimedDeprovisioningSettings = {
  disable: { enabled: false, days: VENDOR_DISABLE_AFTER_DAYS },
  delete: { enabled: false, days: VENDOR_DELETE_AFTER_DAYS },
};

const DAY_MS = 86_400_000;

export type CountdownAction = 'disable' | 'delete';

export interface CountdownStep {
  action: CountdownAction;
  /** ISO instant the step falls due. */
  dueAt: string;
  /** Whole days left, rounded up; 0 once due. */
  daysLeft: number;
  due: boolean;
}

export interface DeprovisioningCountdown {
  /** `none`: nothing to count (a contract is in effect, or no timed step is on). */
  state: 'none' | 'counting' | 'due';
  /** The countdown's start to store; null clears it. */
  lapsedAt: string | null;
  /** True when a stored countdown ended because a contract is in effect again. */
  cancelled: boolean;
  steps: CountdownStep[];
  /** The next step not yet due, for a person: "disabled in 3 days". */
  next: CountdownStep | null;
}

export interface CountdownInput {
  /** The company has a line in effect on a mapped service. */
  contractInEffect: boolean;
  /** The company had lines on mapped services that ended (without any, there is nothing to deprovision). */
  contractEnded: boolean;
  /** The countdown's start as stored, or null. */
  lapsedAt: string | null;
  settings: TimedDeprovisioningSettings;
  now: Date;
}

export function timedDeprovisioningOn(settings: TimedDeprovisioningSettings): boolean {
  return settings.disable.enabled || settings.delete.enabled;
}

export function deprovisioningCountdown(input: CountdownInput): DeprovisioningCountdown {
  const { settings, now } = input;
  if (input.contractInEffect || !input.contractEnded) {
    return { state: 'none', lapsedAt: null, cancelled: input.lapsedAt !== null && input.contractInEffect, steps: [], next: null };
  }
  if (!timedDeprovisioningOn(settings)) {
    // Nothing counts while both steps are off; a stored start is kept, so turning a step on later
    // counts from when the contract really lapsed rather than from the switch.
    return { state: 'none', lapsedAt: input.lapsedAt ?? now.toISOString(), cancelled: false, steps: [], next: null };
  }
  const parsed = input.lapsedAt === null ? Number.NaN : Date.parse(input.lapsedAt);
  const start = Number.isNaN(parsed) ? now.getTime() : parsed;
  const steps: CountdownStep[] = [];
  const step = (action: CountdownAction, days: number) => {
    const dueMs = start + days * DAY_MS;
    const left = dueMs - now.getTime();
    steps.push({ action, dueAt: new Date(dueMs).toISOString(), daysLeft: left <= 0 ? 0 : Math.ceil(left / DAY_MS), due: left <= 0 });
  };
  if (settings.disable.enabled) step('disable', settings.disable.days);
  if (settings.delete.enabled) step('delete', settings.delete.days);
  const anyDue = steps.some((s) => s.due);
  return {
    state: anyDue ? 'due' : 'counting',
    lapsedAt: new Date(start).toISOString(),
    cancelled: false,
    steps,
    next: steps.find((s) => !s.due) ?? null,
  };
}

/** The step the planner should apply now: delete wins over disable once both are due. */
export function dueAction(countdown: DeprovisioningCountdown): CountdownAction | null {
  if (countdown.steps.some((s) => s.action === 'delete' && s.due)) return 'delete';
  if (countdown.steps.some((s) => s.action === 'disable' && s.due)) return 'disable';
  return null;
}

export interface TimedSettingsProblem {
  field: 'disable.days' | 'delete.days';
  message: string;
}

/** Whole days from 1 to 3650, and deletion no sooner than disabling when both are on. */
export function validateTimedDeprovisioning(settings: TimedDeprovisioningSettings): TimedSettingsProblem[] {
  const problems: TimedSettingsProblem[] = [];
  for (const key of ['disable', 'delete'] as const) {
    const { days } = settings[key];
    if (!Number.isInteger(days) || days < 1 || days > 3650) problems.push({ field: `${key}.days`, message: 'must be a whole number of days from 1 to 3650' });
  }
  if (settings.disable.enabled && settings.delete.enabled && settings.delete.days < settings.disable.days) {
    problems.push({ field: 'delete.days', message: `must be at least the days before disabling (${settings.disable.days}): a tenant is disabled before it is deleted` });
  }
  return problems;
}
