/**
 * Which counts of a pass to post to a billing platform, round by round, so that a pair waiting for
 * a mapping there is not asked again and again. The platform answers one "not mapped" for an
 * unmapped account *or* an unmapped service (wire facts §2.3, §2.5) and never shows its mappings,
 * so asking every waiting (account, service) pair on every pass cost 39,067 calls and 438 s for an
 * unchanged pass at 10,000 tenants.
 *
 * Instead each account and each service that is not known to be mapped is probed with one pair;
 * the rest of its pairs are posted only once a probe shows it mapped. What a count taken proves:
 * its account and its service are both mapped. What a "not mapped" proves depends on the other
 * side: with the service known mapped, the account is not (and the other way round) — a decisive
 * answer; with neither known, it proves nothing, and the account and the service are only
 * *doubtful*: each gets a further probe in this pass as soon as a pair of it meets a side proven
 * mapped. So a mapping made on the platform next to anything already counted is filled in by the
 * next pass, and in the worst case (nothing mapped at all) a pass asks about one pair per account
 * and per service instead of all of them. Which pair an undecided probe uses turns with `seed` (the
 * pass), so over passes every pair of a doubtful account is tried.
 *
 * A limit, knowingly taken: "proven" from an earlier pass can be stale (the mapping was removed on
 * the platform since). A probe through such a side wrongly holds back the other side for one pass;
 * the turn makes the next pass probe through another proven side where the account or service has one.
 *
 * Pure: the loop posts what `nextRound` gives, reports each answer with `record`, and asks again
 * until the round is empty; what is left in `notAsked` waits for a later pass.
 */

export interface ProbePair {
  accountId: string;
  serviceKey: string;
}

export type ProbeAnswer = 'counted' | 'not_mapped';

/**
 * `proven`: a count of it was taken (before or in this pass); `doubtful`: a probe got "not mapped"
 * that did not say which side; `unmapped`: a decisive "not mapped" in this pass.
 */
type Knowledge = 'proven' | 'unknown' | 'doubtful' | 'unmapped';

const pairKey = (p: ProbePair) => `${p.accountId}|${p.serviceKey}`;

/** A stable number for a pair in a pass (FNV-1a): turns the undecided probes from pass to pass. */
function turn(seed: string, key: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${key}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export class MappingProbe<P extends ProbePair> {
  private readonly accounts = new Map<string, Knowledge>();
  private readonly services = new Map<string, Knowledge>();
  private readonly pending = new Map<string, P>();
  /** Why a pair was held back: the decisive answer about its account or service. */
  private readonly reasons = new Map<string, string>();

  constructor(
    pairs: readonly P[],
    /** Pairs the platform took before (their last answer was a count): both sides mapped then. */
    counted: readonly ProbePair[],
    private readonly seed: string,
  ) {
    for (const c of counted) {
      this.accounts.set(c.accountId, 'proven');
      this.services.set(c.serviceKey, 'proven');
    }
    for (const p of pairs) this.pending.set(pairKey(p), p);
  }

  private account(id: string): Knowledge {
    return this.accounts.get(id) ?? 'unknown';
  }

  private service(key: string): Knowledge {
    return this.services.get(key) ?? 'unknown';
  }

  /**
   * The pairs to post now: every pair whose sides are both proven, and one probe per account and
   * per service still open — a decisive one (the other side proven) when there is one, else, for
   * an account or service not probed yet, one chosen by the pass's turn. Empty = the pass is done.
   */
  nextRound(): P[] {
    const round = new Map<string, P>();
    const probeFor = new Map<string, { pair: P; decisive: boolean; rank: number }>();
    const offer = (who: string, pair: P, decisive: boolean) => {
      const rank = turn(this.seed, pairKey(pair));
      const best = probeFor.get(who);
      if (best === undefined || (decisive && !best.decisive) || (decisive === best.decisive && rank < best.rank)) probeFor.set(who, { pair, decisive, rank });
    };
    for (const [key, p] of this.pending) {
      const a = this.account(p.accountId);
      const s = this.service(p.serviceKey);
      if (a === 'unmapped' || s === 'unmapped') continue;
      if (a === 'proven' && s === 'proven') {
        round.set(key, p);
        continue;
      }
      // A doubtful side is asked again only through a pair whose other side is proven.
      if (a === 'unknown' || (a === 'doubtful' && s === 'proven')) offer(`a:${p.accountId}`, p, s === 'proven');
      if (s === 'unknown' || (s === 'doubtful' && a === 'proven')) offer(`s:${p.serviceKey}`, p, a === 'proven');
    }
    for (const { pair } of probeFor.values()) round.set(pairKey(pair), pair);
    for (const key of round.keys()) this.pending.delete(key);
    return [...round.values()];
  }

  /** Nothing is left to give out: the round just given was the pass's last (the place for the platform's rebuild). */
  get drained(): boolean {
    return this.pending.size === 0;
  }

  /** What the platform answered for a pair of the last round (`message`: its words for a "not mapped"). */
  record(pair: ProbePair, answer: ProbeAnswer, message = ''): void {
    const a = this.account(pair.accountId);
    const s = this.service(pair.serviceKey);
    if (answer === 'counted') {
      this.accounts.set(pair.accountId, 'proven');
      this.services.set(pair.serviceKey, 'proven');
      return;
    }
    if (s === 'proven' && a !== 'proven') {
      this.accounts.set(pair.accountId, 'unmapped');
      this.reasons.set(`a:${pair.accountId}`, message);
    } else if (a === 'proven' && s !== 'proven') {
      this.services.set(pair.serviceKey, 'unmapped');
      this.reasons.set(`s:${pair.serviceKey}`, message);
    } else if (a !== 'proven' && s !== 'proven') {
      if (a === 'unknown') this.accounts.set(pair.accountId, 'doubtful');
      if (s === 'unknown') this.services.set(pair.serviceKey, 'doubtful');
    }
    // Both proven before and now "not mapped": a mapping was removed on the platform. Nothing is
    // concluded about either side; the pair itself waits.
  }

  /** The pairs no round gave out: they wait for a mapping (or a later pass), with the answer that held them back when there was one. */
  notAsked(): { pair: P; because: string | null }[] {
    return [...this.pending.values()].map((pair) => ({
      pair,
      because: this.reasons.get(`a:${pair.accountId}`) ?? this.reasons.get(`s:${pair.serviceKey}`) ?? null,
    }));
  }
}
