/**
 * Which API zone an Autotask zone-information answer may send the hub to. The answer names the
 * URL the credentials go to next, so a discovery host that is not Autotask (or one that answers
 * with someone else's URL) could otherwise collect the API user's secret and integration code.
 * Autotask's zones all live under the discovery host's own domain (webservices.autotask.net →
 * webservices14.autotask.net), so the zone must be the discovery host itself or a host of the
 * same parent domain; an address or single-label host (the emulator on 127.0.0.1) must match
 * exactly. Pure: no name resolution; the discovery URL itself passed the hub's host policy.
 */
export function zoneUrlAllowed(discoveryUrl: string, zoneUrl: string): boolean {
  let discovery: URL;
  let zone: URL;
  try {
    discovery = new URL(discoveryUrl);
    zone = new URL(zoneUrl);
  } catch {
    return false;
  }
  if (zone.protocol !== 'https:' && zone.protocol !== discovery.protocol) return false;
  const from = discovery.hostname.toLowerCase();
  const to = zone.hostname.toLowerCase();
  if (from === to) return true;
  const parent = parentDomain(from);
  return parent !== undefined && to.endsWith(`.${parent}`);
}

/** `webservices.autotask.net` → `autotask.net`; undefined for an address or a host of fewer than three labels. */
function parentDomain(host: string): string | undefined {
  if (/^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return undefined;
  const labels = host.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : undefined;
}
