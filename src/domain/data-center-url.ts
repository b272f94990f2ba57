/**
 * A vendor data-center URL as a person types it (portal, API, CLI), checked and reduced to its
 * origin. Connectors append API paths themselves, so anything after the host is a mistake worth
 * telling about. Pure: the one rule for every place a data-center URL is entered.
 */

export const DATA_CENTER_URL_EXAMPLE = 'https://eu2-cloud.acronis.com';

export type DataCenterUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export function checkDataCenterUrl(raw: string): DataCenterUrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: `must be a URL such as ${DATA_CENTER_URL_EXAMPLE}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `must start with https:// (or http://), such as ${DATA_CENTER_URL_EXAMPLE}; got "${url.protocol}"` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'must not contain a user name or password; the client id and secret have fields of their own' };
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    return { ok: false, message: `must be the data-center root without a path, such as ${DATA_CENTER_URL_EXAMPLE}; remove "${url.pathname}"` };
  }
  if (url.search || url.hash) {
    return { ok: false, message: `must not have a query string or fragment, such as ${DATA_CENTER_URL_EXAMPLE}` };
  }
  return { ok: true, url: url.origin };
}

