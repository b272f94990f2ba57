/**
 * What a person reads about a billing-platform integration (the hub is the vendor there): which
 * accounts and services it pushed, which of them the MSP has mapped in the platform, which still
 * wait, the last count per account and service, and the alerts sent as tickets.
 *
 * The platform never shows the vendor its mappings (wire facts §2.5). The only signals are what it
 * answered: a count taken (201) means both the account and the service are mapped; a delivered
 * alert means the account is; a count's "not mapped" 404 (account *or* service) and an alert that
 * failed with "No account map found" mean waiting. An account or service with no answer yet (no
 * usage to count) is `unknown`, not waiting: nothing was asked of the platform about it.
 */

export type MappingSignal = 'mapped' | 'waiting' | 'unknown';

export interface OverviewAccount {
  accountId: string;
  name: string;
  deleted: boolean;
}

export interface OverviewService {
  serviceKey: string;
  externalId: string;
  name: string;
  unit: string;
  storage: boolean;
}

export interface OverviewCount {
  accountId: string;
  serviceKey: string;
  quantity: number;
  state: 'counted' | 'waiting';
  countedQuantity: number | null;
  message: string | null;
  postedAt: string;
  countedAt: string | null;
}

export interface OverviewAlert {
  alertId: string;
  tenantId: string;
  alertType: string;
  title: string;
  priority: number;
  state: 'sending' | 'pending' | 'delivered' | 'failed';
  ticketId: string | null;
  errors: string[];
  updatedAt: string;
}

export interface BillingOverview {
  accounts: {
    pushed: number;
    mapped: number;
    waiting: number;
    unknown: number;
    deleted: number;
    /** Names of the accounts waiting for a mapping in the platform, sorted: what a person maps next. */
    waitingNames: string[];
    items: (OverviewAccount & { mapping: MappingSignal })[];
  };
  services: {
    pushed: number;
    mapped: number;
    waiting: number;
    items: (OverviewService & { mapping: MappingSignal; accountsCounted: number; accountsWaiting: number })[];
  };
  counts: (OverviewCount & { account: string; service: string; unit: string })[];
  alerts: {
    delivered: number;
    failed: number;
    pending: number;
    items: (OverviewAlert & { account: string })[];
  };
}

/** An alert that failed because the account is not mapped (Gradient: "No account map found with id: …"). */
const ACCOUNT_NOT_MAPPED = /no account map found|is excluded from the integration/i;

export function billingOverview(input: { accounts: readonly OverviewAccount[]; services: readonly OverviewService[]; counts: readonly OverviewCount[]; alerts: readonly OverviewAlert[] }): BillingOverview {
  const accountSignal = new Map<string, MappingSignal>();
  const serviceSignal = new Map<string, MappingSignal>();
  const raise = (map: Map<string, MappingSignal>, key: string, signal: MappingSignal) => {
    // mapped beats waiting beats unknown: one 201 proves the mapping, whatever else was answered.
    const prior = map.get(key);
    if (prior === 'mapped' || (prior === 'waiting' && signal === 'unknown')) return;
    map.set(key, signal);
  };
  const perService = new Map<string, { counted: number; waiting: number }>();
  for (const c of input.counts) {
    const signal: MappingSignal = c.state === 'counted' ? 'mapped' : 'waiting';
    raise(accountSignal, c.accountId, signal);
    raise(serviceSignal, c.serviceKey, signal);
    const tally = perService.get(c.serviceKey) ?? { counted: 0, waiting: 0 };
    if (c.state === 'counted') tally.counted++;
    else tally.waiting++;
    perService.set(c.serviceKey, tally);
  }
  for (const a of input.alerts) {
    if (a.state === 'delivered') raise(accountSignal, a.tenantId, 'mapped');
    else if (a.state === 'failed' && a.errors.some((e) => ACCOUNT_NOT_MAPPED.test(e))) raise(accountSignal, a.tenantId, 'waiting');
  }

  const accountItems = input.accounts.map((a) => ({ ...a, mapping: accountSignal.get(a.accountId) ?? ('unknown' as MappingSignal) }));
  const live = accountItems.filter((a) => !a.deleted);
  const serviceItems = input.services.map((s) => ({
    ...s,
    mapping: serviceSignal.get(s.serviceKey) ?? ('unknown' as MappingSignal),
    accountsCounted: perService.get(s.serviceKey)?.counted ?? 0,
    accountsWaiting: perService.get(s.serviceKey)?.waiting ?? 0,
  }));
  const accountName = new Map(input.accounts.map((a) => [a.accountId, a.name]));
  const service = new Map(input.services.map((s) => [s.serviceKey, s]));
  return {
    accounts: {
      pushed: input.accounts.length,
      mapped: live.filter((a) => a.mapping === 'mapped').length,
      waiting: live.filter((a) => a.mapping === 'waiting').length,
      unknown: live.filter((a) => a.mapping === 'unknown').length,
      deleted: accountItems.length - live.length,
      waitingNames: live.filter((a) => a.mapping === 'waiting').map((a) => a.name).sort((x, y) => x.localeCompare(y)),
      items: accountItems,
    },
    services: {
      pushed: serviceItems.length,
      mapped: serviceItems.filter((s) => s.mapping === 'mapped').length,
      waiting: serviceItems.filter((s) => s.mapping === 'waiting').length,
      items: serviceItems,
    },
    counts: input.counts.map((c) => ({
      ...c,
      account: accountName.get(c.accountId) ?? c.accountId,
      service: service.get(c.serviceKey)?.name ?? c.serviceKey,
      unit: service.get(c.serviceKey)?.unit ?? '',
    })),
    alerts: {
      delivered: input.alerts.filter((a) => a.state === 'delivered').length,
      failed: input.alerts.filter((a) => a.state === 'failed').length,
      pending: input.alerts.filter((a) => a.state === 'pending' || a.state === 'sending').length,
      items: input.alerts.map((a) => ({ ...a, account: accountName.get(a.tenantId) ?? a.tenantId })),
    },
  };
}
