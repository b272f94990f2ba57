// The kit's public surface, for emulators and for tests that drive them.
export * from './types.ts';
export { createRng, hashSeed, type Rng } from './prng.ts';
export { createClock, formatNanos, formatSeconds, type Clock } from './clock.ts';
export { encodeCursor, decodeCursor } from './cursor.ts';
export { RequestLog, type RequestLogEntry } from './request-log.ts';
export { RollingWindow } from './rolling-window.ts';
export { ThreadGate, type LimitStats } from './thread-gate.ts';
export { RateLimit, type RateLimitSettings, type RateDecision } from './rate-limit.ts';
export { FaultInjector, faultKinds, faultRuleInputSchema, pathMatcher, type FaultKind, type FaultRule, type FaultRuleInput, type FaultDecision } from './faults.ts';
export {
  startEmulatorServer,
  parseControl,
  ControlError,
  CONTROL_PREFIX,
  type ApiRequestHook,
  type EmulatorContext,
  type EmulatorDefinition,
  type EmulatorServer,
} from './server.ts';
