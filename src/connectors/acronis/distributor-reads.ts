// What a distributor reads from the platform beyond the partner's everyday calls: its price list
// (`/tenants/{id}/offering_items/pricing`, reference/acronis.md §9) and the usage of a service
// provider's customers for a billing period, through the usage report (`POST /reports`, poll
// `/stored`, download the CSV). A report is the platform's answer for a period; the live
// `/usages` are the current values only.
import type { PeriodUsage, UsagePeriod, VendorPriceList } from '../../domain/vendor-model.ts';
import { ConnectorError } from '../kit/errors.ts';
import { sleep as defaultSleep } from '../kit/sleep.ts';
import { ACCOUNT_API, type AcronisClient } from './client.ts';
import { parseCsv } from './csv.ts';
import * as wire from './wire.ts';

const enc = encodeURIComponent;

export interface DistributorReadOptions {
  /** Between polls of a report still being generated (default 500 ms). */
  reportPollMs?: number;
  /** Polls before giving up on a report (default 120). */
  reportPolls?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The report columns the connector reads (see the emulator's README for the whole list). */
const REQUIRED_COLUMNS = ['tenant_id', 'tenant_name', 'parent_id', 'usage_name', 'offering_item', 'edition', 'infra_id', 'measurement_unit', 'value'] as const;

export function createDistributorReads(client: AcronisClient, options: DistributorReadOptions = {}) {
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.reportPollMs ?? 500;
  const maxPolls = options.reportPolls ?? 120;

  async function getPriceList(tenantId: string, currency: string): Promise<VendorPriceList> {
    const list = await client.requestJson(
      { method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/offering_items/pricing`, query: { currency }, operation: 'read price list' },
      wire.priceList,
    );
    return {
      currency: list.currency ?? currency,
      availableCurrencies: list.available_currencies ?? [list.currency ?? currency],
      items: list.items.flatMap((i) => {
        const price = i.price === null || i.price === undefined ? Number.NaN : Number(i.price);
        if (!Number.isFinite(price)) return [];
        return [{
          applicationId: i.application_id,
          name: i.name,
          usageName: i.usage_name ?? i.name,
          edition: i.edition ?? null,
          measurementUnit: i.measurement_unit ?? 'quantity',
          price,
        }];
      }),
    };
  }

  async function getPeriodUsage(tenantId: string, period: UsagePeriod): Promise<PeriodUsage[]> {
    const created = await client.requestJson(
      {
        method: 'POST',
        path: `${ACCOUNT_API}/reports`,
        json: {
          parameters: { kind: 'usage_summary', tenant_id: tenantId, level: 'all_customers', formats: ['csv_v2_0'], period, show_skus: true },
          schedule: { type: 'once' },
          result_action: 'save',
          recipients: [],
        },
        // A second report of the same period is harmless: it is only read, never billed twice.
        repeatable: true,
        operation: 'create usage report',
      },
      wire.reportCreated,
    );
    for (let poll = 1; poll <= maxPolls; poll += 1) {
      const stored = await client.requestJson(
        { method: 'GET', path: `${ACCOUNT_API}/reports/${enc(created.id)}/stored`, operation: 'poll usage report' },
        wire.storedReports,
      );
      const failed = stored.items.find((s) => s.status === 'failed');
      if (failed !== undefined) {
        throw new ConnectorError({ code: 'unexpected_response', system: 'acronis', message: `Acronis could not generate the usage report of ${period.start}..${period.end} for tenant ${tenantId}`, context: { operation: 'poll usage report' } });
      }
      const saved = stored.items.find((s) => s.status === 'saved');
      if (saved === undefined) {
        await sleep(pollMs);
        continue;
      }
      const res = await client.request({
        method: 'GET',
        path: `${ACCOUNT_API}/reports/${enc(created.id)}/stored/${enc(saved.id)}`,
        text: true,
        operation: 'download usage report',
      });
      return readUsageCsv(typeof res.body === 'string' ? res.body : '');
    }
    throw new ConnectorError({
      code: 'timeout',
      system: 'acronis',
      message: `Acronis had not generated the usage report of ${period.start}..${period.end} for tenant ${tenantId} after ${maxPolls} polls; try again later`,
      context: { operation: 'poll usage report' },
    });
  }

  return { getPriceList, getPeriodUsage };
}

function readUsageCsv(text: string): PeriodUsage[] {
  const rows = parseCsv(text);
  const header = rows.shift() ?? [];
  const at = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = REQUIRED_COLUMNS.filter((c) => !at.has(c));
  if (missing.length > 0) {
    throw new ConnectorError({
      code: 'unexpected_response',
      system: 'acronis',
      message: `The Acronis usage report lacks the columns ${missing.join(', ')}; it cannot be billed from`,
      context: { operation: 'download usage report' },
    });
  }
  const cell = (row: string[], name: (typeof REQUIRED_COLUMNS)[number]): string => row[at.get(name) as number] ?? '';
  const orNull = (v: string): string | null => (v === '' ? null : v);
  return rows
    .filter((row) => row.length > 1)
    .map((row) => {
      const value = Number(cell(row, 'value'));
      if (!Number.isFinite(value)) {
        throw new ConnectorError({ code: 'unexpected_response', system: 'acronis', message: `The Acronis usage report has a value that is not a number: '${cell(row, 'value')}'`, context: { operation: 'download usage report' } });
      }
      return {
        customerTenantId: cell(row, 'tenant_id'),
        customerName: cell(row, 'tenant_name'),
        parentId: orNull(cell(row, 'parent_id')),
        usageName: cell(row, 'usage_name'),
        offeringItem: cell(row, 'offering_item'),
        edition: orNull(cell(row, 'edition')),
        infraId: orNull(cell(row, 'infra_id')),
        measurementUnit: cell(row, 'measurement_unit') || 'quantity',
        value,
      };
    });
}
