/**
 * Builds the CloudBlue target from an integration's stored credentials (`siteUrl`, `apiKey`, as the
 * portal's form names them) and its connector settings. The API layout is configuration, not code
 * (reference/psa.md §C: only one endpoint is public), read from these connector-setting keys:
 *
 * | key | default | |
 * |---|---|---|
 * | `cloudblueApiBase` | `/webapi/v1.3` | documented |
 * | `cloudblueKeyPlacement` | `query` | documented `?api_key=`; `header` where the instance accepts it |
 * | `cloudblueKeyParameter` | `api_key` | query parameter name |
 * | `cloudblueKeyHeader` | `X-API-Key` | header name for `header` placement |
 * | `cloudbluePageSize` | `1000` | grid report page size (1..1000) |
 * | `cloudblueMarketplaceSystem` | `CMP` | the external system holding Ingram Cloud Marketplace ids |
 * | `cloudbluePaths` | the emulator's proposed paths | JSON object overriding some of `CloudBlueApiPaths` |
 */
import { ConnectorError } from '../kit/errors.ts';
import type { CredentialCheck, TargetFactory, TargetFactoryInput } from '../manifest-schema.ts';
import { CLOUDBLUE_SYSTEM, type CloudBlueApiOverrides, type CloudBlueApiPaths } from './client.ts';
import { createCloudBlueTarget } from './target.ts';

export const CLOUDBLUE_SETTING_KEYS = [
  'cloudblueApiBase',
  'cloudblueKeyPlacement',
  'cloudblueKeyParameter',
  'cloudblueKeyHeader',
  'cloudbluePageSize',
  'cloudblueMarketplaceSystem',
  'cloudbluePaths',
] as const;

function configError(message: string): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: CLOUDBLUE_SYSTEM, message: `CloudBlue PSA connector settings: ${message}`, context: { operation: 'configure connector' } });
}

export function apiOverridesFromSettings(settings: Readonly<Record<string, string | undefined>> = {}): CloudBlueApiOverrides {
  const out: CloudBlueApiOverrides = {};
  const text = (key: string): string | undefined => {
    const v = settings[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const base = text('cloudblueApiBase');
  if (base !== undefined) out.apiBase = base;
  const placement = text('cloudblueKeyPlacement');
  if (placement !== undefined) {
    if (placement !== 'query' && placement !== 'header') throw configError(`cloudblueKeyPlacement must be "query" or "header", not "${placement}"`);
    out.keyPlacement = placement;
  }
  const parameter = text('cloudblueKeyParameter');
  if (parameter !== undefined) out.keyParameter = parameter;
  const header = text('cloudblueKeyHeader');
  if (header !== undefined) out.keyHeader = header;
  const pageSize = text('cloudbluePageSize');
  if (pageSize !== undefined) out.pageSize = Number(pageSize);
  const system = text('cloudblueMarketplaceSystem');
  if (system !== undefined) out.marketplaceSystem = system;
  const paths = text('cloudbluePaths');
  if (paths !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(paths);
    } catch {
      throw configError('cloudbluePaths must be a JSON object such as {"customersReport":"/customers/getcustomersreport"}');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw configError('cloudbluePaths must be a JSON object');
    const entries = Object.entries(parsed as Record<string, unknown>);
    const bad = entries.filter(([, v]) => typeof v !== 'string');
    if (bad.length > 0) throw configError(`cloudbluePaths values must be strings (${bad.map(([k]) => k).join(', ')})`);
    out.paths = Object.fromEntries(entries) as Partial<CloudBlueApiPaths>;
  }
  return out;
}

function credential(input: TargetFactoryInput, name: string): string {
  const value = (input.credentials[name] ?? '').trim();
  if (value === '') {
    throw new ConnectorError({
      code: 'auth_failed',
      system: CLOUDBLUE_SYSTEM,
      message: `The cloudblue connection${input.connectionName === undefined ? '' : ` '${input.connectionName}'`} lacks ${name}: fill it in on the integration settings`,
      context: { operation: 'configure connector' },
    });
  }
  return value;
}

export const cloudBlueTargetFactory: TargetFactory = (input) =>
  createCloudBlueTarget({
    siteUrl: credential(input, 'siteUrl'),
    apiKey: credential(input, 'apiKey'),
    api: apiOverridesFromSettings(input.settings),
    ...(input.connectionName === undefined ? {} : { connectionName: input.connectionName }),
    ...(input.onCall === undefined ? {} : { onCall: input.onCall }),
    ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
  });

/** "Test credentials" before saving (the portal's add-integration form): a person waits, so one retry at most. */
export const checkCloudBlueCredentials: CredentialCheck = async (input) => {
  const text = (name: string): string => input.credentials[name] ?? '';
  const target = createCloudBlueTarget({ siteUrl: text('siteUrl'), apiKey: text('apiKey'), retry: { maxAttempts: 2 }, ...(input.fetch === undefined ? {} : { fetch: input.fetch }) });
  const check = await target.testConnection();
  // The form shows one line: the warnings go with the name.
  return { displayName: check.warnings.length === 0 ? check.displayName : `${check.displayName} (${check.warnings.join('; ')})`, warnings: [] };
};
