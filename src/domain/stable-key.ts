/**
 * Deterministic idempotency keys for planned operations. The same intent observed from the same
 * state must give the same key on every run and every machine (the journal finds a pending
 * operation again after a crash by its key), so keys are built from canonical JSON (object keys
 * sorted) and a 64-bit FNV-1a digest: no clock, no randomness, no platform crypto.
 */

/** JSON with object keys sorted at every depth; `undefined` members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** 16 hex digits of FNV-1a over the UTF-8 bytes of the canonical JSON of `value`. */
export function stableHash(value: unknown): string {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  let hash = FNV_OFFSET;
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * `kind:part:part[:digest]`. Parts are ids (readable in the journal and in a dry run); the digest,
 * when a payload is given, pins the exact content so a different intent gets a different key.
 */
export function operationKey(kind: string, parts: readonly string[], payload?: unknown): string {
  const head = [kind, ...parts.map((p) => p.replaceAll(':', '%3A'))].join(':');
  return payload === undefined ? head : `${head}:${stableHash(payload)}`;
}
