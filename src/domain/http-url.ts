/**
 * Whether a text a person entered is an absolute http(s) URL: the one check for every URL field
 * (credential fields, connector settings, callback addresses, target sites). Pure.
 */

/** The URL `text` names when it is an absolute http:// or https:// URL; null otherwise. */
export function parseHttpUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

export function isHttpUrl(text: string): boolean {
  return parseHttpUrl(text) !== null;
}
