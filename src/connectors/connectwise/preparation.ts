/** The PAYG addition field check, the connection check and the API budget. */
import { collect } from '../kit/paging.ts';
import type { ConnectionCheck, PreparationResult, Target, TargetApiBudget } from '../ports.ts';
import { and, where } from './conditions.ts';
import { PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

export function createConnectWisePreparation(parts: ConnectWiseParts): Pick<Target, 'prepare' | 'testConnection'> & { apiBudget(): Promise<TargetApiBudget> } {
  const { client, paygCaption } = parts;

  /** Whether additions carry the PAYG field: read off one addition (custom fields are listed on every record). */
  async function paygFieldPresent(): Promise<boolean | null> {
    for await (const a of client.list(PATHS.agreements, wire.agreement, { pageSize: 25, fields: ['id', 'name', 'company'] }, { operation: 'find an agreement' })) {
      const [addition] = await collect(client.list(PATHS.additions(a.id), wire.addition, { pageSize: 1 }, { operation: 'read an addition' }));
      if (addition === undefined) continue;
      return (addition.customFields ?? []).some((f) => (f.caption ?? '').trim().toLowerCase() === paygCaption.toLowerCase());
    }
    return null;
  }

  async function prepare(): Promise<PreparationResult> {
    const present = await paygFieldPresent();
    const what = `custom field "${paygCaption}" on agreement additions`;
    if (present === false) {
      return {
        steps: [],
        warnings: [
          `Agreement additions have no "${paygCaption}" field: every addition counts as prepaid. Create it as a Checkbox (Setup Tables > Custom Fields, screen "Agreement Addition") to mark pay-as-you-go additions.`,
        ],
      };
    }
    return { steps: present === true ? [{ outcome: 'present', what }] : [], warnings: [] };
  }

  async function testConnection(): Promise<ConnectionCheck> {
    const info = await client.companyInfo();
    const owner = (
      await collect(client.list(PATHS.companies, wire.company, { childConditions: and([where.eq('types/name', 'Owner')]), fields: ['id', 'identifier', 'name', 'types'], pageSize: 1 }, { operation: 'read the MSP company' }))
    )[0];
    const warnings: string[] = [];
    if ((await paygFieldPresent()) === false) warnings.push(`Agreement additions have no "${paygCaption}" checkbox yet; every addition counts as prepaid until it exists.`);
    const host = new URL(client.siteOrigin).host;
    const who = owner === undefined ? '' : `${owner.name}, `;
    return { displayName: `${who}ConnectWise ${host} (${info.Codebase.replace(/\/$/, '')}) as company ${client.companyId}`, warnings };
  }

  async function apiBudget(): Promise<TargetApiBudget> {
    const u = client.usage();
    return { used: u.requestsLastHour, limit: null, windowMs: 3_600_000, rateLimited: u.rateLimitedLastHour, waitUntil: u.retryAfterUntil === null ? null : new Date(u.retryAfterUntil).toISOString() };
  }

  return { prepare, testConnection, apiBudget };
}
