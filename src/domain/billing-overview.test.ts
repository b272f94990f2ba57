import { describe, expect, it } from 'vitest';
import { billingOverview, type OverviewAlert, type OverviewCount } from './billing-overview.ts';

const accounts = [
  { accountId: 't1', name: 'Coho Winery', deleted: false },
  { accountId: 't2', name: 'Contoso Dental Group', deleted: false },
  { accountId: 't3', name: 'Alpine Ski House', deleted: false },
  { accountId: 't4', name: 'Fourth Coffee (deleted in Acronis)', deleted: true },
  { accountId: 't5', name: 'Blue Yonder', deleted: false },
];
const services = [
  { serviceKey: 'ws', externalId: 's1', name: 'Workstations', unit: 'quantity', storage: false },
  { serviceKey: 'st', externalId: 's2', name: 'Cloud storage', unit: 'GB', storage: true },
  { serviceKey: 'srv', externalId: 's3', name: 'Servers', unit: 'quantity', storage: false },
];
const count = (accountId: string, serviceKey: string, state: 'counted' | 'waiting', quantity = 1): OverviewCount => ({
  accountId,
  serviceKey,
  quantity,
  state,
  countedQuantity: state === 'counted' ? quantity : null,
  message: state === 'waiting' ? `No account map found with id: ${accountId}` : null,
  postedAt: '2026-12-01T10:00:00.000Z',
  countedAt: state === 'counted' ? '2026-12-01T10:00:00.000Z' : null,
});
const alert = (tenantId: string, state: OverviewAlert['state'], errors: string[] = []): OverviewAlert => ({
  alertId: `a-${tenantId}`,
  tenantId,
  alertType: 'BackupFailed',
  title: 'BackupFailed: pc-1',
  priority: 3,
  state,
  ticketId: state === 'delivered' ? '77' : null,
  errors,
  updatedAt: '2026-12-01T10:00:00.000Z',
});

describe('billingOverview', () => {
  it('a taken count maps both sides; a 404 alone is waiting; nothing asked is unknown', () => {
    const o = billingOverview({
      accounts,
      services,
      counts: [count('t1', 'ws', 'counted', 4), count('t1', 'st', 'waiting', 12.5), count('t2', 'ws', 'waiting'), count('t4', 'ws', 'counted', 0)],
      alerts: [],
    });
    expect(o.accounts).toMatchObject({ pushed: 5, mapped: 1, waiting: 1, unknown: 2, deleted: 1, waitingNames: ['Contoso Dental Group'] });
    expect(o.services.items.map((s) => [s.name, s.mapping, s.accountsCounted, s.accountsWaiting])).toEqual([
      ['Workstations', 'mapped', 2, 1],
      ['Cloud storage', 'waiting', 0, 1],
      ['Servers', 'unknown', 0, 0],
    ]);
    expect(o.services).toMatchObject({ pushed: 3, mapped: 1, waiting: 1 });
    expect(o.counts.find((c) => c.accountId === 't1' && c.serviceKey === 'st')).toMatchObject({ account: 'Coho Winery', service: 'Cloud storage', unit: 'GB', quantity: 12.5, state: 'waiting' });
  });

  it('alerts: delivered maps the account, "No account map found" marks it waiting, other failures say nothing about mapping', () => {
    const o = billingOverview({
      accounts,
      services,
      counts: [count('t3', 'ws', 'waiting')],
      alerts: [alert('t3', 'delivered'), alert('t2', 'failed', ['No account map found with id: t2']), alert('t5', 'failed', ['PSA refused the ticket: queue is required']), alert('t1', 'pending')],
    });
    expect(o.accounts.items.map((a) => [a.name, a.mapping])).toEqual([
      ['Coho Winery', 'unknown'],
      ['Contoso Dental Group', 'waiting'],
      ['Alpine Ski House', 'mapped'],
      ['Fourth Coffee (deleted in Acronis)', 'unknown'],
      ['Blue Yonder', 'unknown'],
    ]);
    expect(o.alerts).toMatchObject({ delivered: 1, failed: 2, pending: 1 });
    expect(o.alerts.items.find((a) => a.tenantId === 't5')).toMatchObject({ account: 'Blue Yonder', errors: ['PSA refused the ticket: queue is required'] });
  });
});
