// Autotask's two limits (reference §A.4), which the kit does not model:
// - the request threshold: 10,000 requests per rolling 60 minutes per database, shared by every
//   integration, with added latency at 50 % and 75 % of it and refusal past 100 %;
// - the thread limit: at most 3 concurrent requests per (API tracking identifier × endpoint).
// Both run on the emulator clock, so advancing it through the control API empties the window.

export interface LimitSettings {
  /** Requests per timeframe before refusal (10,000 on a real database). */
  threshold: number;
  /** Minutes (the API reports 60). */
  timeframeMinutes: number;
  /** Delay added per request once usage reaches 50 % / 75 % of the threshold. */
  latencyAt50Ms: number;
  latencyAt75Ms: number;
  /** Concurrent requests per integration code and endpoint. */
  threadLimit: number;
  /** Extra time every authenticated request holds its thread; lets tests overlap requests. */
  workDelayMs: number;
}

export const defaultLimits = (): LimitSettings => ({
  threshold: 10_000,
  timeframeMinutes: 60,
  latencyAt50Ms: 500,
  latencyAt75Ms: 1000,
  threadLimit: 3,
  workDelayMs: 0,
});
