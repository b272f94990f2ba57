// A vendor data-center URL as a person types it, checked and reduced to its origin. Connectors
// append API paths themselves, so anything after the host is a mistake worth telling about.
import { z } from 'zod';

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; message: string };

const EXAMPLE = 'https://eu2-cloud.acronis.com';

export function checkBaseUrl(raw: string): BaseUrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: `must be a URL such as ${EXAMPLE}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `must start with https:// (or http://), such as ${EXAMPLE}; got "${url.protocol}"` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'must not contain a user name or password; the client id and secret have fields of their own' };
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    return { ok: false, message: `must be the data-center root without a path, such as ${EXAMPLE}; remove "${url.pathname}"` };
  }
  if (url.search || url.hash) {
    return { ok: false, message: `must not have a query string or fragment, such as ${EXAMPLE}` };
  }
  return { ok: true, url: url.origin };
}

export const baseUrlSchema = z
  .string({ message: `is required: the data-center URL, such as ${EXAMPLE}` })
  .max(2048)
  .transform((raw, ctx) => {
    const checked = checkBaseUrl(raw);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }
    return checked.url;
  })
  .describe(`Data-center root URL, e.g. ${EXAMPLE}`);
