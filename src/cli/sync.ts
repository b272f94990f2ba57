import type { Command } from 'commander';
import pino from 'pino';
import type { DirectoryChange } from '../domain/directory-plan.ts';
import { createRuntimeProvider, findIntegration } from '../sync/integration-runtime.ts';
import type { LoopOutcome, LoopStats } from '../sync/loop-result.ts';
import { isSyncLoopName, SYNC_LOOP_NAMES, SYNC_LOOPS, type SyncLoopName } from '../sync/loops.ts';
import type { CompanyPlan } from '../sync/provisioning-loop.ts';
import type { PlannedUsageWrite } from '../sync/usage-loop.ts';
import type { AlertPlanEntry, TicketPlanEntry } from '../domain/ticket-plan.ts';
import { targetHostPolicy } from '../config/vendor-hosts.ts';
import { createLogger } from '../http/logger.ts';
import { createHealthNotifier } from '../sync/health-notifier.ts';
import { runRecorded } from '../sync/recorded-run.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';

/** `--loop all`: every loop, in the order a first sync needs them (customers mapped before their tickets). */
const ORDER: readonly SyncLoopName[] = SYNC_LOOP_NAMES;

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('run loops of an integration now: observe → plan → apply (or, with --dry-run, print the plan and apply nothing)')
    .argument('<integration>', 'name or id')
    .option('--loop <loop>', `${SYNC_LOOP_NAMES.join(', ')} or all`, 'all')
    .option('--dry-run', 'print the plan; write nothing to either side')
    .option('--full', 'ignore the cursors and read everything')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, options: { loop: string; dryRun?: boolean; full?: boolean; json?: boolean }) => {
      const loops = options.loop === 'all' ? ORDER : [options.loop];
      for (const loop of loops) if (!isSyncLoopName(loop)) throw new Error(`unknown loop "${loop}"; expected ${SYNC_LOOP_NAMES.join(', ')} or all`);
      await withHubContext(async ({ config, store }) => {
        const integration = await findIntegration(store, nameOrId);
        const rt = await createRuntimeProvider(store).get(integration.id);
        // A pass run here is a pass like a scheduled one: in the run history, and a change of the
        // integration's health is announced to the notification channels before the command exits.
        const logger = createLogger({ level: config.logLevel, destination: pino.destination(2) });
        const notifier = createHealthNotifier({ store, logger, webhookHosts: targetHostPolicy(config.vendorHosts) });
        const outcomes: LoopOutcome[] = [];
        for (const loop of loops as SyncLoopName[]) {
          const started = Date.now();
          const pass = () => SYNC_LOOPS[loop](rt, {
            dryRun: options.dryRun === true,
            full: options.full === true,
            // Progress on stderr, so stdout stays the plan or the stats.
            progress: (p) => {
              if (!options.json) process.stderr.write(`\r${p.loop}: ${p.phase} ${p.done}${p.total === undefined ? '' : `/${p.total}`}   `);
            },
          });
          // A dry run writes nothing, not even a run that would stand in for the last real one.
          const outcome = options.dryRun === true ? await pass() : await runRecorded(store, integration.id, loop, 'sync', pass, notifier);
          if (!options.json) process.stderr.write(`\r${loop}: done in ${((Date.now() - started) / 1000).toFixed(1)} s${' '.repeat(20)}\n`);
          outcomes.push(outcome);
          if (!options.json) printOutcome(outcome);
        }
        if (options.json) printJson(outcomes);
      });
    });
}

function printOutcome(outcome: LoopOutcome): void {
  process.stdout.write(`\n== ${outcome.loop}${outcome.dryRun ? ' (dry run: nothing applied)' : ''}\n`);
  if (outcome.loop === 'directory') {
    printTable(
      (outcome.plan as DirectoryChange[]).map((c) =>
        c.kind === 'map'
          ? { company: c.companyName, change: c.state === 'mapped' ? 'map' : 'suggest', tenant: c.tenantName, why: c.rule }
          : { company: c.companyName, change: 'fail', tenant: c.tenantId, why: c.error },
      ),
      ['company', 'change', 'tenant', 'why'],
    );
  } else if (outcome.loop === 'provisioning') {
    type Row = { company: string; operation: string; what: string; why: string };
    const rows: Row[] = (outcome.plan as CompanyPlan[]).flatMap((p): Row[] => [
      ...p.operations.flatMap((op): Row[] =>
        op.kind === 'set_offering_items'
          ? op.decisions.map((d) => ({
              company: p.companyName,
              operation: 'set item',
              what: `${d.name}${d.infraId ? `@${d.infraId.slice(0, 8)}` : ''}: ${state(d.from)} → ${state(d.to)}`,
              why: d.reason,
            }))
          : [{ company: p.companyName, operation: op.kind, what: describeOp(op), why: '' }],
      ),
      ...p.problems.map((pr) => ({ company: p.companyName, operation: `problem (${pr.severity})`, what: pr.message, why: pr.code })),
    ]);
    printTable(rows, ['company', 'operation', 'what', 'why']);
  } else if (outcome.loop === 'usage') {
    printTable(
      (outcome.plan as PlannedUsageWrite[]).map((w): Record<string, string | number> => ({
        company: w.companyName,
        service: w.service ?? '-',
        line: w.lineId,
        period: w.periodStart.slice(0, 7),
        from: w.previous,
        to: w.quantity,
        change: w.delta > 0 ? `+${w.delta}` : String(w.delta),
        outcome: w.outcome ?? (outcome.dryRun ? 'planned' : '-'),
      })),
      ['company', 'service', 'line', 'period', 'from', 'to', 'change', 'outcome'],
    );
  } else if (outcome.loop === 'alerts') {
    printTable(
      byCompany(outcome.plan as AlertPlanEntry[]).map((e) => ({
        company: e.companyName ?? (e.tenantId === null ? '-' : `tenant ${e.tenantId}`),
        action: ALERT_ACTIONS[e.kind],
        alert: e.alertTypeName ?? e.alertType,
        ticket: e.ticketId ?? '-',
        what: e.what,
      })),
      ['company', 'action', 'alert', 'ticket', 'what'],
    );
  } else if (outcome.loop === 'tickets') {
    printTable(
      byCompany(outcome.plan as TicketPlanEntry[]).map((e) => ({
        company: e.companyName ?? '-',
        action: TICKET_ACTIONS[e.kind],
        ticket: e.ticketNumber ?? e.ticketId,
        alert: e.alertType ?? '-',
        what: e.what,
      })),
      ['company', 'action', 'ticket', 'alert', 'what'],
    );
  }
  if (outcome.planOmitted !== undefined) process.stdout.write(`(the first entries of what was applied; ${outcome.planOmitted} more are counted in the stats)\n`);
  process.stdout.write(`stats: ${formatStats(outcome.stats)}\n`);
}

/** Entries grouped by company (a stable sort: within a company, in the order the pass takes them). */
function byCompany<E extends { companyName: string | null }>(entries: readonly E[]): E[] {
  return [...entries].sort((a, b) => (a.companyName ?? '\uffff').localeCompare(b.companyName ?? '\uffff'));
}

/** The plan's kinds in the words of the portal's dry run (web/pages/integration/summary-tab.js). */
const ALERT_ACTIONS: Record<AlertPlanEntry['kind'], string> = {
  create_ticket: 'create ticket',
  add_note: 'add note',
  reopen_ticket: 'reopen ticket',
  close_ticket: 'close ticket',
  wait_unmapped: 'wait (not mapped)',
  defer: 'wait (PSA budget)',
  park: 'park (failed)',
  nothing: 'no ticket',
};
const TICKET_ACTIONS: Record<TicketPlanEntry['kind'], string> = {
  clear_alert: 'clear alert',
  record_close: 'record close',
  record_reopen: 'record reopen',
  nothing: 'nothing',
};

function state(s: { enabled: boolean; quota: { value: number | null } | null }): string {
  if (!s.enabled) return 'off';
  if (s.quota === null) return 'on';
  return s.quota.value === null ? 'unlimited' : String(s.quota.value);
}

function describeOp(op: CompanyPlan['operations'][number]): string {
  switch (op.kind) {
    case 'create_tenant':
      return `customer tenant "${op.name}"`;
    case 'create_admin_user':
      return `admin ${op.login} <${op.email}>`;
    case 'enable_mfa':
      return '2FA for all users';
    default:
      return 'tenantId' in op ? op.tenantId : '';
  }
}

function formatStats(stats: LoopStats): string {
  return Object.entries(stats)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
