/**
 * Test-only builders shared by the alert / ticket tests of the domain (no test runs from here).
 */
import { defaultTicketSettings, type AlertMapping, type TicketSettings } from './alert-mapping.ts';
import type { CompanyMapping } from './ticket-lifecycle.ts';
import type { VendorAlert } from './vendor-model.ts';
// Test support: the connectors' real ticket profiles, so the domain's tests run on the fields and
// limits the product declares (the domain itself is handed a profile and names no target).
import { autotaskManifest } from '../connectors/autotask/manifest.ts';
import { cloudBlueManifest } from '../connectors/cloudblue/manifest.ts';
import { connectWiseManifest } from '../connectors/connectwise/manifest.ts';
import { ticketProfileOf } from '../connectors/manifest-schema.ts';
import type { TicketProfile } from './ticket-profile.ts';

function profileOf(manifest: Parameters<typeof ticketProfileOf>[0]): TicketProfile {
  const profile = ticketProfileOf(manifest);
  if (profile === null) throw new Error(`${manifest.id} has no tickets`);
  return profile;
}
export const AUTOTASK = profileOf(autotaskManifest);
export const CONNECTWISE = profileOf(connectWiseManifest);
export const CLOUDBLUE = profileOf(cloudBlueManifest);

export const T0_MS = Date.parse('2026-03-02T10:00:00.000Z');
export const TENANT = '04cc830f-cc2d-4d85-bc0c-154d3246ed55';
export const MACHINE_A = '9386a1b2-0000-4000-8000-00000000000a';
export const MACHINE_B = '9386a1b2-0000-4000-8000-00000000000b';
export const PLAN = 'a0210000-0000-4000-8000-000000000001';
export const CONSOLE = 'https://eu2-cloud.acronis.com';

/** ISO time `minutes` after T0. */
export function at(minutes: number): string {
  return new Date(T0_MS + minutes * 60_000).toISOString();
}

export function atDays(days: number): string {
  return at(days * 24 * 60);
}

export function nsAt(iso: string): string {
  return (BigInt(Date.parse(iso)) * 1_000_000n).toString();
}

let counter = 0;

export interface AlertOptions {
  id?: string;
  type?: string;
  tenantId?: string | null;
  resourceId?: string | null;
  resourceName?: string | null;
  severity?: string;
  createdAt?: string;
  clearedAt?: string | null;
  details?: Record<string, unknown>;
}

export function makeAlert(options: AlertOptions = {}): VendorAlert {
  counter += 1;
  const createdAt = options.createdAt ?? at(0);
  const clearedAt = options.clearedAt ?? null;
  const details: Record<string, unknown> = options.details ?? {
    planId: PLAN,
    planName: 'Daily servers',
    ...(options.resourceId === null ? {} : { resourceId: options.resourceId ?? MACHINE_A }),
    ...(options.resourceName === null ? {} : { resourceName: options.resourceName ?? 'srv-files-01' }),
    startTime: 1761319142,
  };
  return {
    id: options.id ?? `33a7e16f-9fe4-08bb-0ea1-${String(counter).padStart(12, '0')}`,
    type: options.type ?? 'BackupFailed',
    category: 'Backup',
    severity: options.severity ?? 'error',
    tenantId: options.tenantId === undefined ? TENANT : options.tenantId,
    tenantLegacyId: '104',
    createdAt,
    updatedAtNs: nsAt(clearedAt ?? createdAt),
    dismissed: clearedAt !== null,
    deletedAt: clearedAt,
    title: 'Backup failed',
    description: 'The backup of srv-files-01 failed: the destination is not reachable.',
    details,
  };
}

/** The same alert, dismissed at `clearedAt`. */
export function cleared(alert: VendorAlert, clearedAt: string): VendorAlert {
  return { ...alert, deletedAt: clearedAt, dismissed: true, updatedAtNs: nsAt(clearedAt) };
}

export function autotaskMapping(): AlertMapping {
  return {
    target: AUTOTASK,
    defaults: { source: '2', noteType: '1', publish: '1' },
    types: {
      BackupFailed: { enabled: true, fields: { queue: '5', status: '1', priority: '2', issueType: '10', subIssueType: '101' } },
      BackupDidNotStart: { enabled: true, fields: { queue: '5', status: '1', priority: '3' } },
      QuotaExceeded: { enabled: false, fields: {} },
    },
  };
}

export function enabledSettings(overrides: Partial<TicketSettings> = {}): TicketSettings {
  return {
    ...defaultTicketSettings(AUTOTASK),
    enabled: true,
    recurrence: { mode: 'reopen_within_days', days: 7 },
    reopenStatus: '8',
    autoClose: { enabled: true, status: '5' },
    clearAlert: { enabled: true, statuses: ['5', '13'] },
    ...overrides,
  };
}

export const MAPPED: CompanyMapping = {
  state: 'mapped',
  companyId: '174',
  companyName: 'Acme Ltd',
  tenantName: 'Acme',
  contractName: 'Acme Managed Backup 2026',
};
