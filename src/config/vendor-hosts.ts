/**
 * Which hosts the hub sends vendor-cloud credentials to. A connection's URL is typed by a person or
 * an automation token; without a limit, whoever holds a token could point a connection at a host of
 * their own and collect the client secret, or use the connection test to probe the hub's internal
 * network (a refused port and a closed one answer differently). So a URL is accepted only when its
 * host is on the list, `PSA_BRIDGE_VENDOR_HOSTS` (comma-separated), by default the vendor's own data
 * centers (`*.acronis.com`, `*.acronis.cloud`).
 *
 * Entries:
 * - `eu2-cloud.acronis.com`: that host; `*.acronis.com`: any host under acronis.com;
 * - `*`: any host name (a self-hosted or white-labelled data center), but never an IP address in a
 *   loopback, private or link-local range, nor a name that resolves to one;
 * - `127.0.0.1`, `::1`, `localhost`, `10.0.0.0/8`: addresses (or ranges) inside the network, only
 *   when listed explicitly (the demo and the tests list 127.0.0.1, where the emulators listen).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export const VENDOR_HOSTS_VARIABLE = 'PSA_BRIDGE_VENDOR_HOSTS';
export const DEFAULT_VENDOR_HOSTS: readonly string[] = ['*.acronis.com', '*.acronis.cloud'];

export interface VendorHostPolicy {
  readonly entries: readonly string[];
  /** What is sent, as refusals word it (default "vendor credentials"). */
  readonly purpose?: string;
}

export type HostCheck = { ok: true } | { ok: false; message: string };

/** Loopback, private, link-local, unique-local, CGNAT and unspecified ranges: the inside of a network. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

const family = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, family(address));
}

/** Reads `PSA_BRIDGE_VENDOR_HOSTS`; an unusable entry is an error naming it, so a typo stops start-up. */
export function parseVendorHosts(raw: string | undefined): VendorHostPolicy {
  if (raw === undefined || raw.trim() === '') return { entries: DEFAULT_VENDOR_HOSTS };
  const entries = raw
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    if (prefix !== undefined && isIP(address ?? '') !== 0) {
      const bits = Number(prefix);
      const kind = isIP(address ?? '');
      if (kind === 0 || !Number.isInteger(bits) || bits < 0 || bits > (kind === 4 ? 32 : 128)) {
        throw new Error(`${VENDOR_HOSTS_VARIABLE}: "${entry}" is not an address range such as 10.0.0.0/8`);
      }
      continue;
    }
    if (entry === '*' || isIP(unbracket(entry)) !== 0) continue;
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      throw new Error(`${VENDOR_HOSTS_VARIABLE}: "${entry}" is not a host name, *.domain, *, an IP address or a range`);
    }
  }
  return { entries };
}

function listedExactly(policy: VendorHostPolicy, host: string): boolean {
  for (const entry of policy.entries) {
    const [address, prefix] = entry.split('/');
    if (prefix !== undefined && address !== undefined && isIP(host) !== 0) {
      const range = new BlockList();
      range.addSubnet(address, Number(prefix), family(address));
      if (family(address) === family(host) && range.check(host, family(host))) return true;
    } else if (unbracket(entry) === host) {
      return true;
    }
  }
  return false;
}

function matchesPattern(policy: VendorHostPolicy, host: string): boolean {
  return policy.entries.some((entry) => entry === '*' || (entry.startsWith('*.') && host.endsWith(entry.slice(1)) && host.length > entry.length - 1));
}

function refusal(host: string, policy: VendorHostPolicy, why: string): HostCheck {
  return {
    ok: false,
    message:
      `the host ${host} ${why}; the hub sends ${policy.purpose ?? 'vendor credentials'} only to the hosts in ${VENDOR_HOSTS_VARIABLE} ` +
      `(now: ${policy.entries.join(', ')}). An operator can widen it, e.g. ${VENDOR_HOSTS_VARIABLE}=*.acronis.com,backup.example.com`,
  };
}

/** Pure part: the URL's host against the list, without name resolution. */
export function checkVendorHost(url: string, policy: VendorHostPolicy): HostCheck {
  const host = unbracket(new URL(url).hostname.toLowerCase());
  if (listedExactly(policy, host)) return { ok: true };
  if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) {
    if (isIP(host) !== 0 && !isInternalAddress(host) && policy.entries.includes('*')) return { ok: true };
    return refusal(host, policy, isIP(host) !== 0 && !isInternalAddress(host) ? 'is not an allowed vendor host' : 'is inside the network and not listed');
  }
  return matchesPattern(policy, host) ? { ok: true } : refusal(host, policy, 'is not an allowed vendor host');
}

export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * The URL's host against the list, and, for a name allowed by a pattern, where it resolves: a name
 * on an allowed pattern that points inside the network is refused unless that address is listed.
 * A name that does not resolve passes here; connecting to it fails on its own.
 */
export async function checkVendorUrl(url: string, policy: VendorHostPolicy, resolve: Resolver = systemResolver): Promise<HostCheck> {
  const checked = checkVendorHost(url, policy);
  if (!checked.ok) return checked;
  const host = unbracket(new URL(url).hostname.toLowerCase());
  if (isIP(host) !== 0 || listedExactly(policy, host)) return checked;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return checked;
  }
  const inside = addresses.find((address) => isInternalAddress(address) && !listedExactly(policy, address));
  return inside === undefined ? checked : refusal(host, policy, `resolves to ${inside}, inside the network, which is not listed`);
}

/**
 * The policy for a target's (PSA, billing platform) endpoints: any public host name or address (a
 * PSA site is the customer's own), but inside the network only the addresses and names that
 * PSA_BRIDGE_VENDOR_HOSTS lists explicitly, so a credential check is no port scanner of the hub's
 * network either (the demo and the tests list 127.0.0.1, where the emulators listen).
 */
export function targetHostPolicy(vendorHosts: VendorHostPolicy): VendorHostPolicy {
  const inside = vendorHosts.entries.filter((entry) => entry !== '*' && !entry.startsWith('*.'));
  return { entries: ['*', ...inside], purpose: 'target credentials to a host inside its network' };
}
