/**
 * Suggested company ↔ customer tenant matches by name, each with a confidence from 0 to 1, for the
 * PSAs whose companies carry no marketplace id to match by (CloudBlue's wizard matches by that id:
 * src/domain/marketplace-matching.ts). Pure. A person reviews the suggestions and confirms them;
 * nothing here maps anything.
 *
 * Confidence, from the strongest evidence to the weakest:
 * - 1.00 `exact`: the same name, character for character (spaces at the ends aside);
 * - 0.95 `normalised`: the same once case, accents, punctuation, "&"/"and" and legal suffixes (Inc,
 *   Ltd, GmbH, LLC, Pty Ltd, …) are set aside: "Contoso, Ltd." = "CONTOSO limited";
 * - up to 0.90 `similar`: token similarity — 0.9 × the mean of the Dice coefficient of the names'
 *   words and of their letter pairs, so a shared word order and spelling both count; below 0.5 a
 *   pair is not suggested.
 * Each company and each tenant is suggested at most once, the most confident pairs first. When a
 * company's (or tenant's) best pair ties with another free one, neither is suggested: a tie is a
 * guess, and it is reported as ambiguous instead.
 */

import type { ProposedPair } from './proposed-pair.ts';

export type MatchBasis = 'exact' | 'normalised' | 'similar';

export interface NameMatch {
  confidence: number;
  basis: MatchBasis;
}

export const MIN_CONFIDENCE = 0.5;
/** Suggestions at least this confident and without warnings are preselected for confirmation. */
export const PRESELECT_CONFIDENCE = 0.9;

/** Words that say what kind of legal entity a company is, not which one (dropped from the end of a name). */
const LEGAL_SUFFIXES = new Set([
  'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'llc', 'llp', 'lp', 'ltd', 'limited', 'plc', 'pty', 'pte',
  'gmbh', 'mbh', 'ag', 'kg', 'ohg', 'ug', 'ev', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab', 'as', 'asa', 'oy', 'oyj', 'aps', 'kft', 'sro', 'zoo', 'sp',
]);

/** The words of a name: lower case, accents and punctuation gone, "&" read as "and", legal suffixes dropped. */
export function nameTokens(name: string): string[] {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // "G.m.b.H." and "S.A." read as one word each.
    .replace(/\b([a-z])\.(?=[a-z]\.)/g, '$1')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let end = words.length;
  // Trailing suffixes, several too ("Pty Ltd", "GmbH & Co KG"), but never the whole name.
  while (end > 1 && (LEGAL_SUFFIXES.has(words[end - 1]!) || (words[end - 1] === 'and' && end < words.length))) end -= 1;
  return words.slice(0, end);
}

export function normaliseCompanyName(name: string): string {
  return nameTokens(name).join(' ');
}

function dice<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common += 1;
  return (2 * common) / (a.size + b.size);
}

function letterPairs(text: string): Set<string> {
  const compact = text.replace(/ /g, '');
  const pairs = new Set<string>();
  for (let i = 0; i < compact.length - 1; i += 1) pairs.add(compact.slice(i, i + 2));
  return pairs;
}

interface Prepared {
  raw: string;
  normalised: string;
  tokens: Set<string>;
  pairs: Set<string>;
}

function prepare(name: string): Prepared {
  const tokens = nameTokens(name);
  const normalised = tokens.join(' ');
  return { raw: name.trim(), normalised, tokens: new Set(tokens), pairs: letterPairs(normalised) };
}

function matchPrepared(a: Prepared, b: Prepared): NameMatch {
  if (a.raw !== '' && a.raw === b.raw) return { confidence: 1, basis: 'exact' };
  if (a.normalised !== '' && a.normalised === b.normalised) return { confidence: 0.95, basis: 'normalised' };
  const similarity = (dice(a.tokens, b.tokens) + dice(a.pairs, b.pairs)) / 2;
  return { confidence: Math.round(0.9 * similarity * 100) / 100, basis: 'similar' };
}

/** How confidently two names name the same customer. */
export function nameMatch(a: string, b: string): NameMatch {
  return matchPrepared(prepare(a), prepare(b));
}

export interface MatchCompany {
  id: string;
  name: string;
  /** Inactive in the PSA (null: the PSA does not say). */
  active: boolean | null;
}

export interface MatchTenant {
  id: string;
  name: string;
  enabled: boolean;
}

export interface NameSuggestion extends NameMatch, ProposedPair {}

export interface AmbiguousMatch {
  companyId: string;
  companyName: string;
  /** The tenants (or, for a tenant wanted by several companies, the companies) tied at the same confidence. */
  tied: Array<{ id: string; name: string }>;
  confidence: number;
  message: string;
}

export interface NameMatchResult {
  suggestions: NameSuggestion[];
  ambiguous: AmbiguousMatch[];
}

/**
 * Suggestions for the companies and tenants given, which the caller has already narrowed to the
 * free ones (companies not mapped and not unlinked by a person; tenants not held by any company,
 * not deleted, manageable by the partner). Most confident first.
 */
export function suggestNameMatches(companies: readonly MatchCompany[], tenants: readonly MatchTenant[], minConfidence = MIN_CONFIDENCE): NameMatchResult {
  const preparedTenants = tenants.map((t) => ({ tenant: t, prepared: prepare(t.name) }));
  // Only pairs sharing a word can reach the threshold (without one the word half is 0 and the
  // letter half at most 0.45), so candidates come from a word index, not every pair.
  const byToken = new Map<string, number[]>();
  preparedTenants.forEach(({ prepared }, index) => {
    for (const token of prepared.tokens) byToken.set(token, [...(byToken.get(token) ?? []), index]);
  });
  const exactByRaw = new Map<string, number[]>();
  preparedTenants.forEach(({ prepared }, index) => exactByRaw.set(prepared.raw, [...(exactByRaw.get(prepared.raw) ?? []), index]));

  interface Pair {
    company: MatchCompany;
    tenant: MatchTenant;
    match: NameMatch;
  }
  const pairs: Pair[] = [];
  for (const company of companies) {
    const prepared = prepare(company.name);
    const candidates = new Set<number>(exactByRaw.get(prepared.raw) ?? []);
    for (const token of prepared.tokens) for (const index of byToken.get(token) ?? []) candidates.add(index);
    for (const index of candidates) {
      const { tenant, prepared: other } = preparedTenants[index]!;
      const match = matchPrepared(prepared, other);
      if (match.confidence >= minConfidence) pairs.push({ company, tenant, match });
    }
  }
  pairs.sort((a, b) => b.match.confidence - a.match.confidence || a.company.name.localeCompare(b.company.name) || a.tenant.name.localeCompare(b.tenant.name));

  const usedCompanies = new Set<string>();
  const usedTenants = new Set<string>();
  const suggestions: NameSuggestion[] = [];
  const ambiguous: AmbiguousMatch[] = [];
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i]!;
    if (usedCompanies.has(pair.company.id) || usedTenants.has(pair.tenant.id)) continue;
    const free = (p: Pair) => !usedCompanies.has(p.company.id) && !usedTenants.has(p.tenant.id) && p.match.confidence === pair.match.confidence;
    const rivalTenants = pairs.filter((p) => p !== pair && free(p) && p.company.id === pair.company.id).map((p) => p.tenant);
    const rivalCompanies = pairs.filter((p) => p !== pair && free(p) && p.tenant.id === pair.tenant.id).map((p) => p.company);
    if (rivalTenants.length > 0 || rivalCompanies.length > 0) {
      const percent = Math.round(pair.match.confidence * 100);
      if (rivalTenants.length > 0) {
        const tied = [pair.tenant, ...rivalTenants];
        ambiguous.push({
          companyId: pair.company.id,
          companyName: pair.company.name,
          tied: tied.map((t) => ({ id: t.id, name: t.name })),
          confidence: pair.match.confidence,
          message: `"${pair.company.name}" matches ${tied.length} tenants equally (${percent} %): ${tied.map((t) => `"${t.name}"`).join(', ')}; map it by hand`,
        });
        for (const t of tied) usedTenants.add(t.id);
        usedCompanies.add(pair.company.id);
      } else {
        const tied = [pair.company, ...rivalCompanies];
        for (const c of tied) {
          ambiguous.push({
            companyId: c.id,
            companyName: c.name,
            tied: tied.filter((o) => o.id !== c.id).map((o) => ({ id: o.id, name: o.name })),
            confidence: pair.match.confidence,
            message: `Tenant "${pair.tenant.name}" matches ${tied.length} companies equally (${percent} %): ${tied.map((o) => `"${o.name}"`).join(', ')}; map it by hand`,
          });
          usedCompanies.add(c.id);
        }
        usedTenants.add(pair.tenant.id);
      }
      continue;
    }
    usedCompanies.add(pair.company.id);
    usedTenants.add(pair.tenant.id);
    const warnings: string[] = [];
    if (pair.company.active === false) warnings.push('The company is inactive in the PSA.');
    if (!pair.tenant.enabled) warnings.push(`Tenant "${pair.tenant.name}" is disabled.`);
    suggestions.push({
      companyId: pair.company.id,
      companyName: pair.company.name,
      tenantId: pair.tenant.id,
      tenantName: pair.tenant.name,
      ...pair.match,
      preselected: pair.match.confidence >= PRESELECT_CONFIDENCE && warnings.length === 0,
      warnings,
    });
  }
  return { suggestions, ambiguous };
}
