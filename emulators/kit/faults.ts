// Fault injection rules: what a flaky upstream does to a client (slow answers, 429s, 5xx, hung
// requests, dropped connections, corrupt bodies). Decisions use a seeded PRNG so a test that injects
// "30 % of requests fail" sees the same requests fail on every run.
import { z } from 'zod';
import { createRng, type Rng } from './prng.ts';

export const faultKinds = ['latency', 'status', 'rate_limit', 'timeout', 'drop', 'malformed'] as const;
export type FaultKind = (typeof faultKinds)[number];

export const faultRuleInputSchema = z.strictObject({
  kind: z.enum(faultKinds),
  /** A path prefix ("/api/2/tenants"), or a glob when it holds `*` (one segment) or `**` (any). */
  path: z.string().startsWith('/').optional(),
  method: z.string().min(1).optional(),
  /** Probability that a matching request is hit, 0..1 (default 1). */
  share: z.number().min(0).max(1).optional(),
  /** Fire at most this many times, then the rule stays listed but inert. */
  count: z.int().positive().optional(),
  /** For `status`: the HTTP status to answer with (default 500). */
  status: z.int().min(400).max(599).optional(),
  /** For `rate_limit`: the Retry-After header (default 1). */
  retryAfterSeconds: z.int().min(0).optional(),
  /** For `latency`: the delay (default 500). */
  latencyMs: z.int().min(0).max(600_000).optional(),
});
export type FaultRuleInput = z.infer<typeof faultRuleInputSchema>;

export const faultRequestSchema = z.union([
  faultRuleInputSchema,
  z.array(faultRuleInputSchema),
  z.strictObject({ rules: z.array(faultRuleInputSchema), seed: z.int().optional() }),
]);

export interface FaultRule extends FaultRuleInput {
  id: string;
  fired: number;
}

export interface FaultDecision {
  /** Total delay from the latency rules that fired. */
  latencyMs: number;
  /** The rule that answers instead of the emulator, if any. */
  terminal?: FaultRule;
  /** Every rule that fired, in order (for the request log). */
  fired: FaultRule[];
}

function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else out += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function pathMatcher(pattern: string | undefined, options: { caseInsensitive?: boolean } = {}): (path: string) => boolean {
  if (pattern === undefined) return () => true;
  const fold = options.caseInsensitive === true;
  const p = fold ? pattern.toLowerCase() : pattern;
  if (p.includes('*')) {
    const re = globToRegExp(p);
    return fold ? (path) => re.test(path.toLowerCase()) : (path) => re.test(path);
  }
  return fold ? (path) => path.toLowerCase().startsWith(p) : (path) => path.startsWith(p);
}

interface CompiledRule {
  rule: FaultRule;
  matchesPath: (path: string) => boolean;
}

export class FaultInjector {
  #rules: CompiledRule[] = [];
  #rng: Rng;
  #nextId = 1;
  readonly #defaultSeed: number;
  readonly #caseInsensitive: boolean;

  /** `caseInsensitive`: rule paths match request paths in any case (for APIs that ignore it). */
  constructor(seed = 1, options: { caseInsensitive?: boolean } = {}) {
    this.#defaultSeed = seed;
    this.#rng = createRng(seed);
    this.#caseInsensitive = options.caseInsensitive ?? false;
  }

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { id: `f${this.#nextId++}`, ...input, fired: 0 };
    this.#rules.push({ rule, matchesPath: pathMatcher(input.path, { caseInsensitive: this.#caseInsensitive }) });
    return rule;
  }

  /** Restart the PRNG, so the next `share` decisions are reproducible from here. */
  reseed(seed: number): void {
    this.#rng = createRng(seed);
  }

  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r.rule }));
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.rule.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
    this.#rng = createRng(this.#defaultSeed);
  }

  /**
   * Latency rules accumulate and let the request go on; the first other rule that fires answers
   * the request itself and stops the evaluation.
   */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, fired: [] };
    for (const { rule, matchesPath } of this.#rules) {
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!matchesPath(path)) continue;
      const share = rule.share ?? 1;
      // Always draw when share < 1 so one rule's outcome does not shift another's sequence.
      if (share < 1 && this.#rng.next() >= share) continue;
      rule.fired++;
      decision.fired.push(rule);
      if (rule.kind === 'latency') {
        decision.latencyMs += rule.latencyMs ?? 500;
        continue;
      }
      decision.terminal = rule;
      break;
    }
    return decision;
  }
}
