import type { Command } from 'commander';
import type { TargetPicklists } from '../domain/alert-mapping.ts';
import { targetFeature } from '../connectors/ports.ts';
import { findIntegration, buildIntegrationRuntime } from '../sync/integration-runtime.ts';
import { manifestOf } from '../connectors/registry.ts';
import { PRIORITY_FIELD, priorityPicklist } from '../domain/billing-alert-policy.ts';
import { buildBillingRuntime } from '../sync/billing/billing-runtime.ts';
import { isSettingsError } from '../sync/settings/settings-error.ts';
import { picklistCache, TicketConfig, ticketSettingsOf, ticketProfileFor } from '../sync/settings/tickets.ts';
import type { Store } from '../store/store.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';
import { listWaitingAlerts } from '../sync/alerts/waiting-alerts-view.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `queue=Monitoring Alert` → ['queue', '8']: a picklist label is accepted for its value. */
function fieldValue(spec: string, picklists: TargetPicklists): [string, string] {
  const at = spec.indexOf('=');
  if (at <= 0) throw new Error(`--field needs name=value, got "${spec}"`);
  const name = spec.slice(0, at).trim();
  const raw = spec.slice(at + 1).trim();
  const entry = (picklists[name] ?? []).find((e) => e.value === raw) ?? (picklists[name] ?? []).find((e) => e.label.toLowerCase() === raw.toLowerCase());
  return [name, entry?.value ?? raw];
}

async function ticketSide(store: Store, nameOrId: string) {
  const integration = await findIntegration(store, nameOrId);
  const ticketTarget = ticketProfileFor(integration.target);
  if (ticketTarget === null) throw new Error(`integration "${integration.name}" is a ${integration.target} integration: it has no tickets`);
  const config = new TicketConfig(store.repos.settings);
  const manifest = manifestOf(integration.target);
  // A billing platform (Gradient) has no picklists to read: its priority takes the values its manifest declares.
  if (manifest.kind === 'billing-platform') {
    const rt = await buildBillingRuntime(store, integration.id);
    const priorities = manifest.capabilities.alerts === false ? [] : manifest.capabilities.alerts.priorities;
    return { integration, ticketTarget, vendor: rt.vendor, picklists: async (): Promise<TargetPicklists> => ({ [PRIORITY_FIELD]: priorityPicklist(priorities) }), config };
  }
  const runtime = await buildIntegrationRuntime(store, integration.id);
  return { integration, ticketTarget, vendor: runtime.vendor, picklists: picklistCache(targetFeature(runtime.target, 'tickets')), config };
}

function explain(error: unknown): never {
  if (isSettingsError(error)) {
    const lines = error.issues.map((i) => `  ${i.field}: ${i.message}`);
    throw new Error(`the ${error.section} settings were not saved:\n${lines.join('\n')}`);
  }
  throw error;
}

export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('alert → ticket: alert mappings, ticket settings, tickets raised from alerts');

  alerts
    .command('mappings <integration>')
    .description('show every vendor alert type with its mapping; --enable/--disable/--field/--default change it (checked against the target picklists)')
    .option('--enable <type>', 'turn tickets on for an alert type (repeatable)', collect)
    .option('--disable <type>', 'turn tickets off for an alert type (repeatable)', collect)
    .option('--field <name=value>', 'a ticket field of the --enable types, e.g. queue="Monitoring Alert" or priority=1 (repeatable)', collect)
    .option('--default <name=value>', 'a field for every alert type, e.g. noteType=1 publish=1 source=8 (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (name: string, options: { enable?: string[]; disable?: string[]; field?: string[]; default?: string[]; json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const side = await ticketSide(store, name);
        const picklists = await side.picklists();
        let stored = await side.config.readStoredMapping(side.integration.id);
        const changing = (options.enable?.length ?? 0) + (options.disable?.length ?? 0) + (options.default?.length ?? 0) > 0;
        if (changing) {
          const fields = Object.fromEntries((options.field ?? []).map((spec) => fieldValue(spec, picklists)));
          const types: Record<string, { enabled: boolean; fields: Record<string, string> }> = {};
          for (const type of options.enable ?? []) types[type] = { enabled: true, fields: { ...(stored.types[type]?.fields ?? {}), ...fields } };
          for (const type of options.disable ?? []) types[type] = { enabled: false, fields: stored.types[type]?.fields ?? {} };
          const defaults = Object.fromEntries((options.default ?? []).map((spec) => fieldValue(spec, picklists)));
          stored = await side.config.saveMapping(side.integration.id, side.ticketTarget, { defaults, types }, picklists).catch(explain);
        } else if ((options.field?.length ?? 0) > 0) {
          throw new Error('--field applies to the alert types named with --enable');
        }
        const vendorTypes = await side.vendor.getAlertTypes();
        const rows = vendorTypes.map((t) => ({ type: t.id, title: t.title, enabled: stored.types[t.id]?.enabled ? 'yes' : 'no', fields: Object.entries(stored.types[t.id]?.fields ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') }));
        if (options.json) return printJson({ defaults: stored.defaults, types: stored.types, alertTypes: vendorTypes, picklists });
        process.stdout.write(`defaults: ${Object.entries(stored.defaults).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}\n`);
        printTable(rows, ['type', 'title', 'enabled', 'fields']);
      });
    });

  alerts
    .command('settings <integration>')
    .description('show or change the ticket settings (feature switch, reopen or new after N days, statuses)')
    .option('--on', 'turn ticket creation on')
    .option('--off', 'turn ticket creation off')
    .option('--reopen-within-days <n>', 'reopen a closed ticket when its alert returns within N days, else create a new one')
    .option('--reopen-always', 'reopen the last ticket on every recurrence')
    .option('--new-always', 'always create a new ticket on a recurrence')
    .option('--reopen-status <status>', 'status set on reopen (value or label)')
    .option('--auto-close <status>', 'close tickets with this status when their alert clears')
    .option('--no-auto-close', 'leave tickets open when their alert clears')
    .option('--clear-alert-status <status>', 'clear the vendor alert when the ticket reaches this status (repeatable)', collect)
    .option('--no-clear-alert', 'never clear vendor alerts from tickets')
    .option('--json', 'print JSON')
    .action(async (name: string, options: Record<string, unknown>) => {
      await withHubContext(async ({ store }) => {
        const side = await ticketSide(store, name);
        const picklists = await side.picklists();
        const status = (text: string): string => fieldValue(`status=${text}`, picklists)[1];
        const patch: Record<string, unknown> = {};
        if (options.on === true) patch.enabled = true;
        if (options.off === true) patch.enabled = false;
        if (typeof options.reopenWithinDays === 'string') patch.recurrence = { mode: 'reopen_within_days', days: Number(options.reopenWithinDays) };
        if (options.reopenAlways === true) patch.recurrence = { mode: 'reopen_always' };
        if (options.newAlways === true) patch.recurrence = { mode: 'new_always' };
        if (typeof options.reopenStatus === 'string') patch.reopenStatus = status(options.reopenStatus);
        if (typeof options.autoClose === 'string') patch.autoClose = { enabled: true, status: status(options.autoClose) };
        if (options.autoClose === false) patch.autoClose = { enabled: false };
        if (Array.isArray(options.clearAlertStatus)) patch.clearAlert = { enabled: true, statuses: (options.clearAlertStatus as string[]).map(status) };
        if (options.clearAlert === false) patch.clearAlert = { enabled: false };
        const stored = Object.keys(patch).length > 0
          ? await side.config.saveSettings(side.integration.id, side.ticketTarget, patch, picklists).catch(explain)
          : await side.config.readStoredSettings(side.integration.id);
        const effective = ticketSettingsOf(side.ticketTarget, stored);
        if (options.json) return printJson({ settings: stored, effective });
        const label = (value: string | null): string => (value === null ? '-' : `${(picklists['status'] ?? []).find((e) => e.value === value)?.label ?? '?'} (${value})`);
        const recurrence = effective.recurrence.mode === 'reopen_within_days' ? `reopen within ${effective.recurrence.days} day(s), else a new ticket` : effective.recurrence.mode === 'reopen_always' ? 'reopen on every recurrence' : 'always a new ticket';
        printTable(
          [
            { setting: 'ticket creation', value: effective.enabled ? 'on' : 'off' },
            { setting: 'recurrence', value: recurrence },
            { setting: 'reopen status', value: label(effective.reopenStatus) },
            { setting: 'auto-close', value: effective.autoClose.enabled ? label(effective.autoClose.status) : 'off' },
            { setting: 'clear alert at', value: effective.clearAlert.enabled ? effective.clearAlert.statuses.map(label).join(', ') : 'off' },
            { setting: 'notes', value: `at most one per ${effective.notes.windowMinutes} min, ${effective.notes.maxPerCycle} per open period` },
          ],
          ['setting', 'value'],
        );
      });
    });

  alerts
    .command('tickets <integration>')
    .description('tickets raised from alerts, with their state; --waiting lists alerts held back')
    .option('--state <state>', 'open, closed, reopened or alert_cleared')
    .option('--search <text>', 'company, ticket number or title, alert type, resource')
    .option('--waiting [reason]', 'alerts held back instead: unmapped (default), failed or deferred (over the PSA budget in a storm)')
    .option('--limit <n>', 'rows', '100')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { state?: string; search?: string; waiting?: string | boolean; limit: string; json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const integration = await findIntegration(store, name);
        const limit = Number(options.limit);
        if (options.waiting !== undefined) {
          const reason = typeof options.waiting === 'string' ? options.waiting : 'unmapped';
          if (reason !== 'unmapped' && reason !== 'failed' && reason !== 'deferred') throw new Error('--waiting takes unmapped, failed or deferred');
          const { items } = await listWaitingAlerts(store, integration.id, { reason, limit });
          if (options.json) return printJson(items);
          return printTable(
            items.map((w) => ({ alert: w.alertId, customer: w.tenantName ?? w.tenantId, type: w.alertType, since: w.firstSeenAt, attempts: w.attempts, why: w.lastError ?? w.detail })),
            ['alert', 'customer', 'type', 'since', 'attempts', 'why'],
          );
        }
        const states = ['open', 'closed', 'reopened', 'alert_cleared'] as const;
        if (options.state !== undefined && !(states as readonly string[]).includes(options.state)) throw new Error(`--state takes ${states.join(', ')}`);
        const items = await store.repos.alertLinks.list(integration.id, {
          ...(options.state === undefined ? {} : { state: options.state as (typeof states)[number] }),
          ...(options.search === undefined ? {} : { search: options.search }),
          limit,
        });
        if (options.json) return printJson(items.map((s) => ({ ...s.labels, state: s.displayState, link: s.link })));
        printTable(
          items.map((s) => ({
            ticket: s.labels.ticketNumber ?? s.link.ticketId,
            state: s.displayState,
            customer: s.labels.companyName,
            alert: s.labels.alertType,
            resource: s.labels.resourceName,
            opened: s.link.openedAt,
            closed: s.link.closedAt,
            repeats: s.link.repeatCount,
          })),
          ['ticket', 'state', 'customer', 'alert', 'resource', 'opened', 'closed', 'repeats'],
        );
      });
    });
}
