// Usage pulls: a service provider's usage for a billing window, rated in the requested currency.
// A closed window (it ended before today) is read from the vendor once and its answer kept, so the
// platform gets the same answer for the same window every time; an open window is read afresh.
import { rateUsage } from '../../domain/distributor-pricing.ts';
import { isConnectorError } from '../../connectors/kit/errors.ts';
import { ServiceManagerError, type InboundCall, type UsageAnswer, type UsageRequest } from '../../connectors/service-manager-port.ts';
import type { ServiceManagerStore as Store } from './store.ts';
import type { ResolvedInstance } from './instances.ts';
import { asServiceManagerError } from './provisioning.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function pullUsage(store: Store, call: InboundCall, r: ResolvedInstance, request: UsageRequest, now: Date): Promise<UsageAnswer> {
  const repo = store.repos.serviceManager;
  if (!DATE.test(request.start) || !DATE.test(request.end) || request.end < request.start) {
    throw new ServiceManagerError('bad_request', `The billing cycle ${request.start}..${request.end} is not a window of dates (StartDate on or before EndDate)`);
  }
  if (request.productTypeId !== '' && request.productTypeId !== r.ref.productTypeId) {
    throw new ServiceManagerError('wrong_product_type', `Product type ${request.productTypeId} is not one of '${r.ref.systemName}' (its product type is ${r.ref.productTypeId})`);
  }
  const account = await repo.getAccount(r.instance.id, request.accountId);
  if (account === undefined) {
    throw new ServiceManagerError('not_synchronized', `Account ${request.accountId} was never synchronized with ${r.ref.systemName}: there is no usage to report for it`);
  }
  const subscription = await repo.getSubscription(r.instance.id, request.subscriptionId);
  if (subscription === undefined || subscription.accountId !== request.accountId) {
    throw new ServiceManagerError('unknown_subscription', `Subscription ${request.subscriptionId} of account ${request.accountId} was never created with ${r.ref.systemName}`);
  }
  const currency = request.currency.trim().toUpperCase() || r.ref.currency;
  const closed = request.end < now.toISOString().slice(0, 10);
  if (closed) {
    const kept = await repo.getPull(r.instance.id, request.subscriptionId, request.start, request.end, currency);
    if (kept !== undefined && kept.closed) {
      await repo.savePull({ ...kept, answer: kept.answer });
      return kept.answer as UsageAnswer;
    }
  }
  let answer: UsageAnswer;
  try {
    const [rows, prices] = await Promise.all([
      r.vendor.getPeriodUsage(account.tenantId, { start: request.start, end: request.end }),
      r.vendor.getPriceList(r.ref.distributorTenantId, currency),
    ]);
    const rated = rateUsage(
      rows.map((u) => ({ customerTenantId: u.customerTenantId, customerName: u.customerName, offeringItem: u.offeringItem, usageName: u.usageName, measurementUnit: u.measurementUnit, infraId: u.infraId, value: u.value })),
      prices.items.map((p) => ({ name: p.name, price: p.price })),
      r.ref.discountPercent,
    );
    answer = { ...rated, currency, readAt: now.toISOString(), rows: rows.length };
  } catch (error) {
    if (isConnectorError(error, 'bad_request')) {
      throw new ServiceManagerError('bad_request', `Usage cannot be priced in ${currency}: ${error.message}`);
    }
    throw asServiceManagerError(error, `The usage pull of subscription ${request.subscriptionId}`, call);
  }
  await repo.savePull({
    instanceId: r.instance.id,
    subscriptionId: request.subscriptionId,
    windowStart: request.start,
    windowEnd: request.end,
    currency,
    closed,
    answer,
    items: answer.totals.items,
    costTotal: answer.totals.cost,
    sellTotal: answer.totals.sell,
  });
  if (closed) {
    // Two pulls of a closed window racing: the first kept answer wins for both.
    const kept = await repo.getPull(r.instance.id, request.subscriptionId, request.start, request.end, currency);
    if (kept !== undefined) return kept.answer as UsageAnswer;
  }
  return answer;
}
