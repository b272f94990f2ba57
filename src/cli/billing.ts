import type { Command } from 'commander';
import { readBillingOverview } from '../sync/billing/billing-overview.ts';
import { buildBillingRuntime, isBillingPlatformIntegration } from '../sync/billing/billing-runtime.ts';
import { findIntegration } from '../sync/integration-runtime.ts';
import { withHubContext } from './hub-context.ts';
import { printTable } from './output.ts';

/**
 * `psa-bridge billing status <integration>`: a billing platform's integration (Gradient) as the
 * portal's Accounts tab shows it — the platform's status, accounts mapped there or waiting (by
 * name), services, the last counts and the alerts with the platform's errors.
 */
export function registerBillingCommands(program: Command): void {
  const billing = program.command('billing').description('billing-platform integrations (Gradient): what the platform answered about accounts, services, counts and alerts');

  billing
    .command('status <integration>')
    .description("the platform's integration status, accounts and services (mapped there or waiting), last counts, alerts delivered and failed")
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const integration = await findIntegration(store, nameOrId);
        if (!isBillingPlatformIntegration(integration)) throw new Error(`"${integration.name}" is a ${integration.target} integration; billing status is for billing-platform integrations such as Gradient`);
        const o = await readBillingOverview(store, integration, async () => (await buildBillingRuntime(store, integration.id)).platform.state());
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
          return;
        }
        const p = o.platform.shortLabel;
        const out = (line: string) => process.stdout.write(`${line}\n`);
        out(o.status.ok ? `${o.platform.label}: ${o.status.platformStatus} (${o.status.organization}), last synced ${o.status.lastSyncedAt ?? 'never'}` : `${o.platform.label}: not reachable (${o.status.error}); stored data below`);
        out(`accounts: ${o.accounts.pushed} pushed, ${o.accounts.mapped} mapped in ${p}, ${o.accounts.waiting} waiting for mapping, ${o.accounts.unknown} not counted yet`);
        if (o.accounts.waitingNames.length > 0) out(`waiting for mapping in ${p}: ${o.accounts.waitingNames.join(', ')}`);
        out('');
        printTable(
          o.services.items.map((s) => ({ service: s.name, unit: s.unit, [`in ${p}`]: s.mapping, counted: s.accountsCounted, waiting: s.accountsWaiting })),
          ['service', 'unit', `in ${p}`, 'counted', 'waiting'],
        );
        if (o.services.items.some((s) => s.storage)) out(`\n${o.storageNote}`);
        out('');
        printTable(
          o.counts.map((c) => ({ account: c.account, service: c.service, quantity: `${c.quantity} ${c.unit}`, state: c.state, posted: c.postedAt, message: c.message ?? '' })),
          ['account', 'service', 'quantity', 'state', 'posted', 'message'],
        );
        out(`\nalerts: ${o.alerts.delivered} delivered, ${o.alerts.failed} failed, ${o.alerts.pending} pending`);
        for (const a of o.alerts.items.filter((x) => x.state === 'failed')) out(`  failed: ${a.title || a.alertType} (${a.account}): ${a.errors.join('; ')}`);
      });
    });
}
