// A request rate limit over a rolling window: N requests per window, then refusal with the seconds
// until the oldest counted request leaves the window (what a Retry-After header carries).
// `limit: null` turns it off. Runs on whatever clock the caller passes (the emulator clock).
import { RollingWindow } from './rolling-window.ts';

export interface RateLimitSettings {
  /** Requests allowed per window; null = unlimited. */
  limit: number | null;
  windowMs: number;
}

export type RateDecision = { allowed: true; used: number } | { allowed: false; used: number; retryAfterSeconds: number };

export class RateLimit {
  readonly #window = new RollingWindow();
  settings: RateLimitSettings;
  refused = 0;

  constructor(settings: RateLimitSettings = { limit: null, windowMs: 60_000 }) {
    this.settings = { ...settings };
  }

  /** Counts the request when it is allowed; refused requests are not counted. */
  take(nowMs: number): RateDecision {
    const { limit, windowMs } = this.settings;
    const used = this.#window.count(nowMs, windowMs);
    if (limit !== null && used >= limit) {
      this.refused++;
      const oldest = this.#window.oldest() ?? nowMs;
      return { allowed: false, used, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000)) };
    }
    this.#window.add(nowMs);
    return { allowed: true, used: used + 1 };
  }

  used(nowMs: number): number {
    return this.#window.count(nowMs, this.settings.windowMs);
  }

  reset(): void {
    this.#window.clear();
    this.refused = 0;
  }
}
