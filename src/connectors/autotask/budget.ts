import { ConnectorError } from '../kit/errors.ts';

/**
 * Autotask's hourly request threshold, spent on purpose (reference psa.md §A.4): 10,000 requests per
 * rolling hour per *database*, shared with every other integration of the MSP, with latency added at
 * 50 % and 75 % and suspension past 100 %. Suspension hurts every integration of the customer, so
 * the client must never be the one that trips it.
 *
 * The budget counts the requests this client sends (each attempt, at the moment it is sent) in a
 * rolling window, and knows the database-wide count from `ThresholdInformation`, read at start and
 * again every `syncEveryMs` or `syncEveryRequests`. Between two reads, the estimate is the last
 * reading plus our own requests since, minus our own that have left the window (others' requests
 * that leave are not known, so the estimate only errs high).
 *
 * Spending rules, by priority of the work:
 * - below `paceFrom` (50 %) requests go out at once;
 * - from `paceFrom`, `normal` and `background` requests are spaced so that what is left up to their
 *   ceiling lasts until the window frees (capped at `maxPaceMs` per request, since the job scheduler,
 *   not a sleeping request, should do the long waiting);
 * - at their ceiling a request is refused with `rate_limited` (vendorCode `budget_exhausted`) and
 *   `retryAfterMs` = when enough of our own requests leave the window: `background` at 75 %,
 *   `normal` at 90 %, `interactive` (a person waiting: test connection, a portal lookup) at 98 %.
 * - a 429 from the threshold itself marks the budget exhausted until its Retry-After.
 */
export type BudgetPriority = 'interactive' | 'normal' | 'background';

export interface BudgetSettings {
  /** Assumed until ThresholdInformation is read (Autotask's published figure). */
  limit: number;
  windowMs: number;
  paceFrom: number;
  ceilings: Record<BudgetPriority, number>;
  maxPaceMs: number;
  syncEveryMs: number;
  syncEveryRequests: number;
}

export const DEFAULT_BUDGET_SETTINGS: BudgetSettings = {
  limit: 10_000,
  windowMs: 3_600_000,
  paceFrom: 0.5,
  ceilings: { background: 0.75, normal: 0.9, interactive: 0.98 },
  maxPaceMs: 2_000,
  syncEveryMs: 300_000,
  syncEveryRequests: 250,
};

export interface BudgetSnapshot {
  /** Requests counted in the current window, database-wide (estimate). */
  used: number;
  limit: number;
  windowMs: number;
  remaining: number;
  /** Requests this client sent in the window. */
  own: number;
  /** When ThresholdInformation was last read (ms), null before the first read. */
  syncedAt: number | null;
  /** Set while a threshold 429 told us to wait: until then every request is refused. */
  suspendedUntil: number | null;
}

export type BudgetDecision = { kind: 'go' } | { kind: 'wait'; ms: number } | { kind: 'refuse'; retryAfterMs: number; ceiling: number };

export class HourlyBudget {
  readonly settings: BudgetSettings;
  readonly #now: () => number;
  /** Send times of our own requests, oldest first. */
  #own: number[] = [];
  #head = 0;
  #limit: number;
  #windowMs: number;
  /** Database-wide count at the last reading, and our own count in the window at that moment. */
  #reading: { at: number; count: number; ownAfter: number; totalAt: number } | null = null;
  /** Requests ever recorded: tells which ones came after a reading, even within the same millisecond. */
  #total = 0;
  #sentSinceSync = 0;
  #suspendedUntil: number | null = null;

  constructor(settings: Partial<BudgetSettings> = {}, now: () => number = Date.now) {
    this.settings = { ...DEFAULT_BUDGET_SETTINGS, ...settings, ceilings: { ...DEFAULT_BUDGET_SETTINGS.ceilings, ...settings.ceilings } };
    this.#now = now;
    this.#limit = this.settings.limit;
    this.#windowMs = this.settings.windowMs;
  }

  #ownInWindow(now: number): number {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#own.length && (this.#own[this.#head] as number) <= cutoff) this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#own.length) {
      this.#own = this.#own.slice(this.#head);
      this.#head = 0;
    }
    return this.#own.length - this.#head;
  }

  used(now: number = this.#now()): number {
    const own = this.#ownInWindow(now);
    if (this.#reading === null || now - this.#reading.at >= this.#windowMs) return own;
    const sentSince = this.#total - this.#reading.totalAt;
    // Our requests that were counted in the reading and have left the window since.
    const ownAtReading = this.#reading.ownAfter;
    const ownStillIn = own - sentSince;
    const left = Math.max(0, ownAtReading - ownStillIn);
    return Math.max(own, this.#reading.count + sentSince - left);
  }

  needsSync(now: number = this.#now()): boolean {
    if (this.#reading === null) return true;
    return now - this.#reading.at >= this.settings.syncEveryMs || this.#sentSinceSync >= this.settings.syncEveryRequests;
  }

  /** A ThresholdInformation answer read at `at` (the reading counts the call that fetched it). */
  observe(reading: { limit: number; timeframeMinutes: number; count: number }, at: number = this.#now()): void {
    this.#limit = reading.limit;
    this.#windowMs = reading.timeframeMinutes * 60_000;
    this.#reading = { at, count: reading.count, ownAfter: this.#ownInWindow(at), totalAt: this.#total };
    this.#sentSinceSync = 0;
  }

  /** The threshold itself refused us (429): nothing goes out until it says. */
  suspend(retryAfterMs: number, now: number = this.#now()): void {
    this.#suspendedUntil = now + Math.max(1_000, retryAfterMs);
  }

  decide(priority: BudgetPriority, now: number = this.#now()): BudgetDecision {
    if (this.#suspendedUntil !== null) {
      if (now < this.#suspendedUntil) return { kind: 'refuse', retryAfterMs: this.#suspendedUntil - now, ceiling: 1 };
      this.#suspendedUntil = null;
    }
    const used = this.used(now);
    const ceiling = Math.floor(this.#limit * this.settings.ceilings[priority]);
    if (used >= ceiling) return { kind: 'refuse', retryAfterMs: this.#freesIn(used - ceiling + 1, now), ceiling };
    if (priority === 'interactive' || used < this.#limit * this.settings.paceFrom) return { kind: 'go' };
    // Spread what is left below the ceiling over the time until the oldest request leaves.
    const left = ceiling - used;
    const until = this.#freesIn(1, now);
    const ms = Math.min(this.settings.maxPaceMs, Math.floor(until / left));
    return ms > 0 ? { kind: 'wait', ms } : { kind: 'go' };
  }

  /** Milliseconds until `n` of our own requests have left the window (the whole window if we have fewer). */
  #freesIn(n: number, now: number): number {
    this.#ownInWindow(now);
    const index = this.#head + n - 1;
    const at = index < this.#own.length ? (this.#own[index] as number) : now;
    return Math.max(1_000, at + this.#windowMs - now);
  }

  /** Counts one request as sent now. */
  record(now: number = this.#now()): void {
    this.#own.push(now);
    this.#total += 1;
    this.#sentSinceSync += 1;
  }

  snapshot(now: number = this.#now()): BudgetSnapshot {
    const used = this.used(now);
    return {
      used,
      limit: this.#limit,
      windowMs: this.#windowMs,
      remaining: Math.max(0, this.#limit - used),
      own: this.#ownInWindow(now),
      syncedAt: this.#reading?.at ?? null,
      suspendedUntil: this.#suspendedUntil !== null && this.#suspendedUntil > now ? this.#suspendedUntil : null,
    };
  }
}

export function budgetExhaustedError(decision: Extract<BudgetDecision, { kind: 'refuse' }>, snapshot: BudgetSnapshot, priority: BudgetPriority, operation: string): ConnectorError {
  const at = new Date(Date.now() + decision.retryAfterMs).toISOString();
  const why =
    snapshot.suspendedUntil !== null
      ? 'Autotask suspended API access for the database after its hourly request threshold was exceeded'
      : `${snapshot.used} of the database's ${snapshot.limit} requests per hour are spent (this integration: ${snapshot.own}); ${priority} work stops at ${decision.ceiling} to leave room for other integrations`;
  return new ConnectorError({
    code: 'rate_limited',
    system: 'autotask',
    vendorCode: 'budget_exhausted',
    retryAfterMs: decision.retryAfterMs,
    message: `Autotask request budget: ${why}. ${operation} was not sent; budget returns around ${at}.`,
    context: { operation, used: snapshot.used, limit: snapshot.limit, priority, budgetReturnsAt: at },
  });
}
