import path from 'node:path';
import { z } from 'zod';
import { parseDatabaseUrl } from '../store/database.ts';
import { parseVendorHosts, VENDOR_HOSTS_VARIABLE, type VendorHostPolicy } from './vendor-hosts.ts';

/**
 * The hub's configuration, read from the environment once at start-up. Every value is validated
 * here so a typo fails fast with a message naming the variable, instead of surfacing later as a
 * connection error deep inside a loop.
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  DATABASE_URL: z.string().trim().optional(),
  PSA_BRIDGE_DATA_DIR: z.string().trim().min(1).default('./data'),
  PSA_BRIDGE_SECRET_KEY: z.string().trim().min(1).optional(),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8080),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  PSA_BRIDGE_ADMIN_USER: z.string().trim().min(1).optional(),
  PSA_BRIDGE_ADMIN_PASSWORD: z.string().min(1).optional(),
  [VENDOR_HOSTS_VARIABLE]: z.string().optional(),
  PSA_BRIDGE_API_DOCS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
  PSA_BRIDGE_METRICS: z.enum(['token', 'public', 'off'], { message: 'must be token, public or off' }).default('token'),
  PSA_BRIDGE_RUN_HISTORY_DAYS: retentionDays(90),
  PSA_BRIDGE_AUDIT_DAYS: retentionDays(400),
  PSA_BRIDGE_JOURNAL_LEASE_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(10, 'must be at least 10 seconds (longer than one vendor or PSA call)')
    .default(300),
});

/** Days a history is kept; 0 keeps it forever. */
function retentionDays(fallback: number) {
  return z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number of days').min(0, 'must be 0 (keep forever) or more days').default(fallback);
}

export interface HubConfig {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path. */
  databaseUrl: string;
  dataDir: string;
  /** Raw `PSA_BRIDGE_SECRET_KEY`; when absent a key file in `dataDir` is used (see secret-key.ts). */
  secretKey: string | undefined;
  host: string;
  port: number;
  logLevel: (typeof logLevels)[number];
  admin: { username: string; password: string } | undefined;
  /** The hosts vendor-cloud credentials may be sent to (see src/sync/vendor-hosts.ts). */
  vendorHosts: VendorHostPolicy;
  /** Whether `/api/docs` (the OpenAPI document and its viewer) is served. */
  apiDocs: boolean;
  /** `/metrics`: behind an API token or session (default), public (a scraper on a trusted network), or not served. */
  metrics: 'token' | 'public' | 'off';
  /** Days the run history and the audit trail are kept (0: forever); the hub's hourly housekeeping prunes older rows. */
  retention: Retention;
  /**
   * How long a pending external write holds its journal entry: after a process dies mid-write,
   * another takes it over (looking the write up first) once this has passed. It must outlast one
   * call with its retries; shorter means a killed worker's half-done writes are finished sooner.
   */
  journalLeaseMs: number;
}

export interface Retention {
  runHistoryDays: number;
  auditDays: number;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  // An empty variable (`PORT=`) means "not set", as most tools read it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.PSA_BRIDGE_ADMIN_USER) !== Boolean(e.PSA_BRIDGE_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  PSA_BRIDGE_ADMIN_USER and PSA_BRIDGE_ADMIN_PASSWORD must be set together',
    );
  }
  const dataDir = path.resolve(e.PSA_BRIDGE_DATA_DIR);
  const databaseUrl = e.DATABASE_URL ? e.DATABASE_URL : path.join(dataDir, 'psa-bridge.db');
  // Parsed here too, so a bad URL stops start-up before anything else happens.
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (error) {
    throw new ConfigError(`Invalid configuration in the environment:\n  ${(error as Error).message}`);
  }
  let vendorHosts: VendorHostPolicy;
  try {
    vendorHosts = parseVendorHosts(e[VENDOR_HOSTS_VARIABLE]);
  } catch (error) {
    throw new ConfigError(`Invalid configuration in the environment:\n  ${(error as Error).message}`);
  }
  return {
    vendorHosts,
    apiDocs: e.PSA_BRIDGE_API_DOCS === 'on',
    metrics: e.PSA_BRIDGE_METRICS,
    retention: { runHistoryDays: e.PSA_BRIDGE_RUN_HISTORY_DAYS, auditDays: e.PSA_BRIDGE_AUDIT_DAYS },
    journalLeaseMs: e.PSA_BRIDGE_JOURNAL_LEASE_SECONDS * 1000,
    databaseUrl,
    dataDir,
    secretKey: e.PSA_BRIDGE_SECRET_KEY,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    admin:
      e.PSA_BRIDGE_ADMIN_USER && e.PSA_BRIDGE_ADMIN_PASSWORD
        ? { username: e.PSA_BRIDGE_ADMIN_USER, password: e.PSA_BRIDGE_ADMIN_PASSWORD }
        : undefined,
  };
}
