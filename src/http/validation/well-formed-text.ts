// Text the hub stores or sends on must be whole characters. JSON can carry a lone UTF-16 surrogate
// ("\ud800", half of an emoji cut by a careless client); stored, it comes back as U+FFFD or breaks
// the first URL it goes into (encodeURIComponent throws). Refused at the door instead, naming the field.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The dotted path of the first string (or key) with a lone surrogate in `value`, or undefined. */
export function findIllFormedText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findIllFormedText(item, `${path}.${index}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (hasLoneSurrogate(key)) return path;
    const found = findIllFormedText(item, `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
