/**
 * Which ticket an alert belongs to. One ticket per (customer tenant, alert type, resource): a storm
 * of alerts for one machine is one ticket, two machines are two tickets, and nothing about the key
 * depends on time or wording (timestamped titles as dedupe keys are the classic cause of duplicate
 * tickets, see billing-and-peers.md §4.1/§4.4).
 *
 * Resource, in order: `details.resourceId` (the machine, mailbox, …), else `details.planId` (alerts
 * about a plan rather than one workload), else none (tenant-wide alerts such as quota exceeded).
 * The same two keys are also looked for under `details.fields`, where alerts injected through
 * `POST /alerts` carry them. Tenant uuids, resource and plan ids are compared case-insensitively
 * (the platform sends ids upper case at times); alert type ids are kept exactly as sent.
 */
import { stableHash } from './stable-key.ts';
import type { VendorAlert } from './vendor-model.ts';

export type ResourceSource = 'resource' | 'plan' | 'none';

export interface AlertResource {
  source: ResourceSource;
  /** Normalized (trimmed, lower case) id; null when source is `none`. */
  id: string | null;
}

export interface AlertKey {
  /** Customer tenant uuid, lower case. */
  tenantId: string;
  alertType: string;
  resource: AlertResource;
}

/**
 * Autotask `Tickets.externalID` holds 50 characters, the smallest external-reference field of the
 * three PSAs (ConnectWise `externalXRef` is longer; CloudBlue's is configured per installation).
 * Every reference this module builds fits in it.
 */
export const EXTERNAL_REF_MAX_LENGTH = 50;

/** Bumped only if the canonical form changes; part of the hashed text so old and new never collide. */
const KEY_VERSION = 'v1';
const REF_PREFIX = 'pb';

function nonEmptyText(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function detail(details: Record<string, unknown>, name: string): string | null {
  const direct = nonEmptyText(details[name]);
  if (direct !== null) return direct;
  const fields = details['fields'];
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    return nonEmptyText((fields as Record<string, unknown>)[name]);
  }
  return null;
}

/** Text value of a detail, looked up at the top level and under `details.fields`. */
export function alertDetail(alert: Pick<VendorAlert, 'details'>, name: string): string | null {
  return detail(alert.details, name);
}

export function alertResource(alert: Pick<VendorAlert, 'details'>): AlertResource {
  const resourceId = detail(alert.details, 'resourceId');
  if (resourceId !== null) return { source: 'resource', id: resourceId.toLowerCase() };
  const planId = detail(alert.details, 'planId');
  if (planId !== null) return { source: 'plan', id: planId.toLowerCase() };
  return { source: 'none', id: null };
}

/** The alert's ticket key, or null when the vendor did not say which tenant the alert is for. */
export function alertKeyOf(alert: Pick<VendorAlert, 'tenantId' | 'type' | 'details'>): AlertKey | null {
  const tenantId = nonEmptyText(alert.tenantId);
  if (tenantId === null) return null;
  return { tenantId: tenantId.toLowerCase(), alertType: alert.type, resource: alertResource(alert) };
}

/**
 * The full canonical form, for a unique column in the store: `v1|tenant|type|source:id`. Each part
 * is URI-encoded so a `|` inside an id can never make two keys read alike.
 */
export function alertKeyString(key: AlertKey): string {
  const part = (text: string): string => encodeURIComponent(text);
  return [KEY_VERSION, part(key.tenantId), part(key.alertType), `${key.resource.source}:${part(key.resource.id ?? '')}`].join('|');
}

/**
 * Short, stable digest of the key (16 hex = 64 bits, the domain's shared FNV-1a `stableHash`: no
 * platform crypto), the part of every idempotency key and external reference. Collisions among
 * one integration's keys are negligible (birthday bound ~4·10⁹ keys).
 */
export function alertKeyHash(key: AlertKey | string): string {
  return stableHash(typeof key === 'string' ? key : alertKeyString(key));
}

/** `BackupFailed` stays; a CTI id `cti.a.p.am.alert.v1.0~a.p.backup.failed.v1.0` becomes `BackupFailed`. */
function typeSlug(alertType: string): string {
  const last = alertType.split('~').pop() ?? alertType;
  const words = last
    .replace(/^a\.p\./, '')
    .replace(/\.v\d+(\.\d+)*$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/**
 * The external reference written on the ticket of one episode of a key, e.g.
 * `pb:3f9a0c12de45b6a7:2:BackupFailed`: prefix, key hash, episode, then as much of the alert type
 * as fits in EXTERNAL_REF_MAX_LENGTH. Deterministic, so after a crash between "ticket created" and
 * "link saved" the create is found by an exact match on this text, never made twice. The episode is
 * part of it because a key can own several tickets over time (new ticket after N days).
 */
export function ticketExternalRef(key: AlertKey | string, episode: number): string {
  if (!Number.isInteger(episode) || episode < 1) throw new RangeError(`episode must be a positive integer, got ${episode}`);
  const head = `${REF_PREFIX}:${alertKeyHash(key)}:${episode}`;
  const alertType = typeof key === 'string' ? decodeURIComponent(key.split('|')[2] ?? '') : key.alertType;
  const room = EXTERNAL_REF_MAX_LENGTH - head.length - 1;
  const slug = typeSlug(alertType).slice(0, Math.max(0, room));
  return slug === '' ? head : `${head}:${slug}`;
}

/** Prefix shared by every episode's reference of one key (for a "begins with" search on the target). */
export function externalRefPrefix(key: AlertKey | string): string {
  return `${REF_PREFIX}:${alertKeyHash(key)}:`;
}

/** Reads back a reference this module wrote; null for anything else (a technician's own text). */
export function parseTicketExternalRef(ref: string): { keyHash: string; episode: number } | null {
  const match = /^pb:([0-9a-f]{16}):([1-9]\d*)(?::[A-Za-z0-9]*)?$/.exec(ref);
  if (match === null) return null;
  return { keyHash: match[1] as string, episode: Number(match[2]) };
}

/** Alert ids arrive in either case; the platform treats them case-insensitively and so do we. */
export function normalizeAlertId(id: string): string {
  return id.trim().toLowerCase();
}

/**
 * Idempotency key of one observed version of one alert (`alert:<id>@<updatedAtNs>`): the journal's
 * key for "this alert event was processed", stable across polls and restarts.
 */
export function alertOperationKey(alert: Pick<VendorAlert, 'id' | 'updatedAtNs'>): string {
  return `alert:${normalizeAlertId(alert.id)}@${alert.updatedAtNs}`;
}
