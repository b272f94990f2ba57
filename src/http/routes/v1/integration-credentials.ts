// The credentials an integration stores for its target, checked at the API boundary: each field
// the target's manifest declares (required unless optional; URLs as http(s) URLs; a declared
// pattern), nothing else but the shared admin password. A PATCH of some fields validates the merged
// set, so the schema is of the whole set.
import { z } from 'zod';
import type { CredentialField } from '../../../connectors/manifest-schema.ts';
import { manifestOf, TARGET_SYSTEMS, type TargetSystem } from '../../../connectors/registry.ts';
import { isHttpUrl } from '../../../domain/http-url.ts';
import { checkVendorUrl, targetHostPolicy, type VendorHostPolicy } from '../../../config/vendor-hosts.ts';
import { ApiError } from '../../api-error.ts';

function fieldSchema(field: CredentialField): z.ZodType<string | undefined> {
  let value: z.ZodType<string> = z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters');
  if (field.format === 'url') value = value.refine(isHttpUrl, 'must be an http(s) URL');
  const { pattern } = field;
  if (pattern !== undefined) value = value.refine((text) => new RegExp(`^(?:${pattern.regex})$`).test(text), pattern.message);
  // An optional field left empty is not stored, so the connector's default applies.
  return field.optional === true ? z.union([z.string().trim().length(0).transform(() => undefined), value]).optional() : value;
}

/**
 * The manual password of new admin accounts (seed 001 "Define manually"): a secret of every target,
 * kept sealed with the integration's credentials, where the mapping job and the provisioning loop
 * read it. Set through PUT /integrations/:id/settings/provisioning/admin-password; never returned.
 */
export const ADMIN_PASSWORD_CREDENTIAL = 'adminPassword';
export const adminPasswordSchema = z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters');

// Strict per target (an unknown field is refused, naming it), plus the shared admin password, so a
// PATCH of some fields validates the merged set even when a password is stored.
const credentialSchemaOf = (target: TargetSystem) =>
  z.strictObject({
    ...Object.fromEntries(manifestOf(target).credentials.map((field) => [field.name, fieldSchema(field)])),
    [ADMIN_PASSWORD_CREDENTIAL]: adminPasswordSchema.optional(),
  });
export const targetCredentialSchemas = Object.fromEntries(TARGET_SYSTEMS.map((target) => [target, credentialSchemaOf(target)])) as Record<
  TargetSystem,
  ReturnType<typeof credentialSchemaOf>
>;

/** The target's credential fields only (what its factory and check read), as text. */
export function targetFieldsOf(target: TargetSystem, credentials: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    manifestOf(target).credentials.flatMap((field) => {
      const value = credentials[field.name];
      return typeof value === 'string' ? [[field.name, value]] : [];
    }),
  );
}

/** zod issues as one line naming each field from `where` (`body.credentials.site: is required`). */
export function issuesMessage(where: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = [where, ...issue.path.map(String)].join('.');
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      return `${field}: ${missing ? 'is required' : issue.message}`;
    })
    .join('; ');
}

/**
 * What a change to the fields that say where credentials are sent (the manifest's `endpoint`
 * fields, or its `endpointSettings` connector settings) must bring along: every secret the target
 * receives, entered again. A stored secret is only ever sent to the host it was entered for, so an
 * API token cannot point an integration at a listener of its own and collect the secrets.
 */
export function endpointChange(
  target: TargetSystem,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  given: Readonly<Record<string, unknown>>,
): { changed: string[]; missing: string[] } {
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '');
  const changed = keys.filter((key) => Object.hasOwn(after, key) || Object.hasOwn(before, key)).filter((key) => text(before[key]) !== text(after[key]));
  if (changed.length === 0) return { changed, missing: [] };
  const secrets = manifestOf(target).credentials.filter((field) => field.secret === true).map((field) => field.name);
  const missing = secrets.filter((name) => typeof given[name] !== 'string' || (given[name] as string).trim() === '');
  return { changed, missing };
}

export const endpointFieldsOf = (target: TargetSystem): string[] =>
  manifestOf(target)
    .credentials.filter((field) => field.endpoint === true)
    .map((field) => field.name);

/** The 400 for an endpoint changed without the secrets, naming each missing one. */
export function secretsRequiredMessage(where: string, changed: readonly string[], missing: readonly string[]): { message: string; details: { field: string; message: string }[] } {
  const why = `is required when ${changed.join(', ')} ${changed.length === 1 ? 'changes' : 'change'}: stored secrets are only ever sent to the host they were entered for; enter it again for the new one`;
  const details = missing.map((name) => ({ field: `${where}.${name}`, message: why }));
  return { message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details };
}

/**
 * The check calls the endpoints typed in (URL, site): like the connection test, it must not probe
 * the hub's own network, so a host inside it is refused unless PSA_BRIDGE_VENDOR_HOSTS lists it. The
 * same holds when an integration is saved (created, or its credentials changed): the loops send its
 * secrets there.
 */
export async function requireAllowedEndpoints(target: TargetSystem, credentials: Readonly<Record<string, unknown>>, vendorHosts: VendorHostPolicy): Promise<void> {
  const policy = targetHostPolicy(vendorHosts);
  for (const field of manifestOf(target).credentials) {
    const value = credentials[field.name];
    if (!field.endpoint || typeof value !== 'string' || value === '') continue;
    // A site (ConnectWise) is a host name or a URL; the check is of the host either way.
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
    let checked;
    try {
      checked = await checkVendorUrl(url, policy);
    } catch {
      continue; // not a URL at all: the connector's own check says what to fix
    }
    if (!checked.ok) {
      const name = `body.credentials.${field.name}`;
      throw new ApiError(400, 'target_host_not_allowed', `${name}: ${checked.message}`, { details: [{ field: name, message: checked.message }] });
    }
  }
}
