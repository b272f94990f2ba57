/**
 * The one place an integration's health is decided, from what its loops left behind: the latest run
 * of each loop (and the counters it reported), the plan problems still open, the companies whose
 * mapping is failed, and signals such as an API budget that could not be read.
 *
 * Why one function: the integrations list, the status card, the summary API, /metrics, notifications
 * and `psa-bridge status` must never disagree. A pass that returned without throwing is not
 * "succeeded" when it left companies failed or problems open: it is failed or degraded, with the
 * count and the first reason, so the person looking at a green badge can trust it.
 *
 * - failed: a loop's latest run failed (could not read a side, crashed, timed out), a company's
 *   mapping is failed (none of its changes were applied), an error problem is open, or a pass
 *   reported failed operations.
 * - degraded: warnings are open (e.g. usage that could not be written as planned), alerts parked,
 *   or a signal such as the API budget answering with an error.
 * - info problems (a suggestion nobody confirmed, a contract that ended) never change the status.
 */

export type HealthStatus = 'ok' | 'degraded' | 'failed' | 'running' | 'never_run' | 'disabled';
/** A run as a person should read it: `succeeded` only when it left nothing failed or open. */
export type RunVerdictStatus = 'running' | 'succeeded' | 'degraded' | 'failed' | 'cancelled';
export type HealthLevel = 'failed' | 'degraded';

export interface RunFacts {
  loop: string;
  /** As recorded by the job runner: `succeeded` means only "the handler returned". */
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  stats: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
}

export interface ProblemTally {
  loop: string;
  severity: 'error' | 'warning' | 'info';
  count: number;
  /** The first problem (by company name), to say why. */
  first: { companyId: string; companyName: string | null; message: string };
}

export interface HealthSignal {
  /** Where it comes from, e.g. `api-budget`. */
  source: string;
  level: HealthLevel;
  message: string;
}

export interface HealthInput {
  enabled: boolean;
  runs: readonly RunFacts[];
  problems: readonly ProblemTally[];
  failedMappings: { count: number; first: { companyName: string; error: string | null } | null };
  signals?: readonly HealthSignal[];
}

export interface HealthReason {
  level: HealthLevel;
  /** A loop name, `mappings`, or a signal's source. */
  source: string;
  count: number;
  message: string;
}

export interface RunVerdict {
  status: RunVerdictStatus;
  /** How many things went wrong in the pass (0 when it succeeded). */
  count: number;
  reason: string | null;
}

export interface LoopHealth extends RunVerdict {
  loop: string;
  runStatus: RunFacts['status'];
  startedAt: string;
  finishedAt: string | null;
}

export interface IntegrationHealth {
  status: HealthStatus;
  /** Things wrong in total (companies failed, problems open, loops failed…). */
  count: number;
  /** The first reason, in a sentence a person can act on; null when all is well. */
  reason: string | null;
  reasons: HealthReason[];
  loops: LoopHealth[];
}

/** Counters loops report that mean something was not done, and how bad each one is. */
const FAILURE_COUNTERS: ReadonlyArray<{ stat: string; level: HealthLevel; what: (n: number) => string }> = [
  { stat: 'companiesFailed', level: 'failed', what: (n) => `${n} compan${n === 1 ? 'y' : 'ies'} failed` },
  { stat: 'failedOperations', level: 'failed', what: (n) => `${n} change${n === 1 ? '' : 's'} failed` },
  { stat: 'failed', level: 'failed', what: (n) => `${n} write${n === 1 ? '' : 's'} failed` },
  { stat: 'problemErrors', level: 'failed', what: (n) => `${n} error${n === 1 ? '' : 's'} in the plan` },
  { stat: 'parked', level: 'degraded', what: (n) => `${n} alert${n === 1 ? '' : 's'} set aside after repeated failures` },
  { stat: 'problemWarnings', level: 'degraded', what: (n) => `${n} warning${n === 1 ? '' : 's'} in the plan` },
  { stat: 'awaitingApproval', level: 'degraded', what: (n) => `${n} change${n === 1 ? '' : 's'} waiting for approval` },
];

const countOf = (stats: Record<string, unknown>, key: string): number => {
  const value = stats[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
};

/** What one run means: the recorded status, corrected by the counters it reported. */
export function runVerdict(run: Pick<RunFacts, 'status' | 'error' | 'stats'>): RunVerdict {
  if (run.status === 'running') return { status: 'running', count: 0, reason: null };
  if (run.status === 'cancelled') return { status: 'cancelled', count: 0, reason: run.error };
  if (run.status === 'failed') return { status: 'failed', count: 1, reason: run.error ?? 'the run failed' };
  let level: HealthLevel | null = null;
  let count = 0;
  const parts: string[] = [];
  for (const counter of FAILURE_COUNTERS) {
    const n = countOf(run.stats, counter.stat);
    if (n === 0) continue;
    if (counter.stat === 'failed' && countOf(run.stats, 'companiesFailed') > 0) continue;
    parts.push(counter.what(n));
    // The strongest counter (listed first) is the count a person reads: "12 companies failed".
    if (count === 0) count = n;
    if (counter.level === 'failed') level = 'failed';
    else level ??= 'degraded';
  }
  // A pass over several partner tenants that could not read one of them (src/sync/loops.ts withPartnerReads).
  const unread = countOf(run.stats, 'partnersUnread');
  if (unread > 0) {
    const detail = run.stats.partnersUnreadDetail;
    parts.push(`${unread === 1 ? 'partner' : `${unread} partners`} could not be read${typeof detail === 'string' ? `: ${detail}` : ''}`);
    if (count === 0) count = unread;
    level = 'failed';
  }
  if (level === null) return { status: 'succeeded', count: 0, reason: null };
  return { status: level, count, reason: parts.join(', ') };
}

const LEVEL_RANK: Record<HealthLevel, number> = { failed: 0, degraded: 1 };

/** The health of an integration (see the file comment). Pure: the caller reads the facts. */
export function integrationHealth(input: HealthInput): IntegrationHealth {
  const loops: LoopHealth[] = input.runs.map((run) => ({
    loop: run.loop,
    runStatus: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...runVerdict(run),
  }));
  if (!input.enabled) return { status: 'disabled', count: 0, reason: null, reasons: [], loops };

  const reasons: HealthReason[] = [];
  for (const loop of loops) {
    if (loop.status === 'failed' && loop.runStatus === 'failed') {
      reasons.push({ level: 'failed', source: loop.loop, count: 1, message: `The last ${loop.loop} pass failed: ${loop.reason ?? 'no reason recorded'}` });
    }
  }
  if (input.failedMappings.count > 0) {
    const first = input.failedMappings.first;
    const n = input.failedMappings.count;
    reasons.push({
      level: 'failed',
      source: 'mappings',
      count: n,
      message: `${n} compan${n === 1 ? 'y is' : 'ies are'} failed and none of their changes were applied${first === null ? '' : `; first: "${first.companyName}": ${first.error ?? 'no reason recorded'}`}`,
    });
  }
  const tallies = [...input.problems].filter((p) => p.severity !== 'info' && p.count > 0);
  for (const severity of ['error', 'warning'] as const) {
    for (const tally of tallies.filter((p) => p.severity === severity)) {
      const who = tally.first.companyName === null ? '' : `"${tally.first.companyName}": `;
      reasons.push({
        level: severity === 'error' ? 'failed' : 'degraded',
        source: tally.loop,
        count: tally.count,
        message: `${tally.count} ${severity === 'error' ? 'error' : 'warning'}${tally.count === 1 ? '' : 's'} open in the ${tally.loop} plan; first: ${who}${tally.first.message}`,
      });
    }
  }
  // Counters of the latest run that the stored state does not already explain (failed writes,
  // parked alerts): a succeeded run that reported them is not succeeded.
  for (const loop of loops) {
    if (loop.runStatus !== 'succeeded' || loop.status === 'succeeded') continue;
    if (reasons.some((r) => r.source === loop.loop || (r.source === 'mappings' && loop.loop === 'provisioning'))) continue;
    reasons.push({ level: loop.status === 'failed' ? 'failed' : 'degraded', source: loop.loop, count: loop.count, message: `The last ${loop.loop} pass: ${loop.reason ?? ''}` });
  }
  for (const signal of input.signals ?? []) reasons.push({ level: signal.level, source: signal.source, count: 1, message: signal.message });

  reasons.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
  // A loop whose pass returned but whose problems are open reads as they do (failed mappings are
  // the provisioning loop's doing).
  for (const loop of loops) {
    if (loop.runStatus !== 'succeeded') continue;
    const own = reasons.filter((r) => r.source === loop.loop || (r.source === 'mappings' && loop.loop === 'provisioning'));
    const worstOwn = own[0];
    if (worstOwn === undefined) continue;
    if (loop.status === 'succeeded' || (loop.status === 'degraded' && worstOwn.level === 'failed')) {
      loop.status = worstOwn.level;
      loop.count = own.reduce((sum, r) => sum + r.count, 0);
      loop.reason = worstOwn.message;
    }
  }
  const count = reasons.reduce((sum, r) => sum + r.count, 0);
  const worst = reasons[0];
  let status: HealthStatus;
  if (worst !== undefined) status = worst.level;
  else if (loops.length === 0) status = 'never_run';
  else if (loops.some((l) => l.status === 'running')) status = 'running';
  else status = 'ok';
  return { status, count, reason: worst?.message ?? null, reasons, loops };
}
