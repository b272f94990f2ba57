// `psa-bridge mappings list|map|map-new|unlink|apply|marketplace|suggested <integration> …`: the customer
// mapping screen in a terminal. Actions are audit-logged as `cli:<OS user>`. `map-new` records the
// intent and then runs the mapping job in this process (like the background job would), unless
// --no-wait, in which case the hub's job finishes it.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { MAPPING_STATES, type MappingState } from '../domain/mapping-state.ts';
import { createRuntimeProvider, findIntegration } from '../sync/integration-runtime.ts';
import { applyMapping, mapToExisting, mapToNew, unlink, type ActionResult } from '../sync/mapping-actions.ts';
import { MappingActionError } from '../sync/mapping-error.ts';
import { runMappingJobs } from '../sync/mapping-job.ts';
import { listMappings } from '../sync/mapping-list.ts';
import { confirmMarketplaceMatches, proposeMarketplaceMatches } from '../sync/marketplace-wizard.ts';
import { confirmNameMatches, proposeNameMatches } from '../sync/name-suggestions.ts';
import { withHubContext, type HubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';

const actor = (): string => `cli:${userInfo().username}`;

async function withRuntime<T>(nameOrId: string, work: (rt: Awaited<ReturnType<ReturnType<typeof createRuntimeProvider>['get']>>, ctx: HubContext) => Promise<T>): Promise<T> {
  return withHubContext(async (ctx) => {
    const integration = await findIntegration(ctx.store, nameOrId);
    const rt = await createRuntimeProvider(ctx.store).get(integration.id);
    try {
      return await work(rt, ctx);
    } catch (error) {
      // A refusal is a message for the person, not a stack.
      if (error instanceof MappingActionError) throw new Error(error.message);
      throw error;
    }
  }, { create: false });
}

function printResults(results: readonly ActionResult[], json: boolean | undefined): void {
  if (json) return printJson(results);
  printTable(
    results.map((r) => ({ company: r.companyName, state: r.state, tenant: r.tenantName ?? r.tenantId, message: r.message })),
    ['company', 'state', 'tenant', 'message'],
  );
}

export function registerMappingsCommands(program: Command): void {
  const mappings = program.command('mappings').description('customer mapping: PSA companies ↔ customer tenants');

  mappings
    .command('list')
    .argument('<integration>', 'name or id')
    .option('--search <text>', 'company or tenant name, or part of it')
    .option('--state <states>', `comma-separated: ${MAPPING_STATES.join(', ')}`)
    .option('--status <status>', 'active or inactive in the PSA')
    .option('--type <types>', 'comma-separated company types/status labels')
    .option('--limit <n>', 'rows per page', '50')
    .option('--offset <n>', 'rows to skip', '0')
    .option('--reload', 're-read the PSA; clears mapping errors whose cause is gone')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, o: { search?: string; state?: string; status?: string; type?: string; limit: string; offset: string; reload?: boolean; json?: boolean }) => {
      const states = o.state?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      for (const s of states ?? []) if (!(MAPPING_STATES as readonly string[]).includes(s)) throw new Error(`unknown state "${s}"; expected ${MAPPING_STATES.join(', ')}`);
      if (o.status !== undefined && o.status !== 'active' && o.status !== 'inactive') throw new Error('--status is active or inactive');
      await withRuntime(nameOrId, async (rt) => {
        const list = await listMappings(rt, {
          ...(o.search === undefined ? {} : { search: o.search }),
          ...(states === undefined ? {} : { states: states as MappingState[] }),
          ...(o.status === undefined ? {} : { status: o.status as 'active' | 'inactive' }),
          ...(o.type === undefined ? {} : { types: o.type.split(',').map((s) => s.trim()) }),
          limit: Number(o.limit),
          offset: Number(o.offset),
          reload: o.reload === true,
        });
        if (o.json) return printJson(list);
        printTable(
          list.items.map((r) => ({
            id: r.companyId,
            company: r.companyName,
            status: r.companyStatus,
            mapping: r.pending ? `${r.stateLabel} (new tenant pending)` : r.stateLabel,
            tenant: r.tenantName === null ? null : r.tenantManageable === false ? `${r.tenantName} (not manageable)` : r.tenantName,
            error: r.error,
          })),
          ['id', 'company', 'status', 'mapping', 'tenant', 'error'],
        );
        process.stdout.write(`${list.items.length} of ${list.total} shown; mapped ${list.counts.mapped}, ready ${list.counts.ready}, failed ${list.counts.failed}, not mapped ${list.counts.not_mapped}\n`);
      });
    });

  mappings
    .command('map')
    .description('map a company to an existing customer tenant')
    .argument('<integration>', 'name or id')
    .argument('<company>', 'company id')
    .argument('<tenant>', 'tenant id')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, companyId: string, tenantId: string, o: { json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => printResults([await mapToExisting(rt, actor(), companyId, tenantId)], o.json)),
    );

  mappings
    .command('map-new')
    .description('map companies to new customer tenants (tenant + admin account per the provisioning settings)')
    .argument('<integration>', 'name or id')
    .argument('<companies...>', 'company ids')
    .option('--no-wait', 'only save the mappings; the hub creates the tenants in the background')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, companyIds: string[], o: { wait: boolean; json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => {
        const saved: ActionResult[] = [];
        for (const id of companyIds) saved.push(await mapToNew(rt, actor(), id));
        if (!o.wait) return printResults(saved, o.json);
        if (!o.json) process.stderr.write(`${saved[0]?.message ?? ''}; creating ${companyIds.length} tenant(s)…\n`);
        const stats = await runMappingJobs(rt);
        const after: ActionResult[] = [];
        for (const id of companyIds) {
          const row = (await listMappings(rt, { search: id, limit: 1000 })).items.find((r) => r.companyId === id);
          if (row !== undefined) after.push({ companyId: id, companyName: row.companyName, state: row.state, tenantId: row.tenantId, tenantName: row.tenantName, message: row.error ?? (row.pending ? 'still being created (will be retried)' : row.stateLabel) });
        }
        if (o.json) return printJson({ stats, items: after });
        printResults(after, false);
      }),
    );

  mappings
    .command('unlink')
    .description('unlink companies from their tenants (tickets already created are not touched)')
    .argument('<integration>', 'name or id')
    .argument('<companies...>', 'company ids')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, companyIds: string[], o: { json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => {
        const out: ActionResult[] = [];
        for (const id of companyIds) out.push(await unlink(rt, actor(), id));
        printResults(out, o.json);
      }),
    );

  mappings
    .command('apply')
    .description('apply proposed (ready) mappings')
    .argument('<integration>', 'name or id')
    .argument('[companies...]', 'company ids (default: every ready mapping)')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, companyIds: string[], o: { json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => {
        const ids = companyIds.length > 0 ? companyIds : (await listMappings(rt, { states: ['ready'], limit: 100_000 })).items.map((r) => r.companyId);
        const out: ActionResult[] = [];
        for (const id of ids) out.push(await applyMapping(rt, actor(), id));
        printResults(out, o.json);
      }),
    );

  mappings
    .command('marketplace')
    .description('Ingram Cloud Marketplace matching: show proposals by osa_account_id; --confirm maps them')
    .argument('<integration>', 'name or id')
    .option('--confirm [companies]', 'map the preselected proposals, or those of these comma-separated company ids')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, o: { confirm?: string | boolean; json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => {
        const result = await proposeMarketplaceMatches(rt);
        if (o.confirm === undefined) {
          if (o.json) return printJson(result);
          printTable(
            result.proposals.map((p) => ({ company: p.companyName, tenant: p.tenantName, account: p.accountId, preselected: p.preselected ? 'yes' : 'no', warnings: p.warnings.join(' ') })),
            ['company', 'tenant', 'account', 'preselected', 'warnings'],
          );
          for (const i of result.issues) process.stdout.write(`${i.severity}: ${i.message}\n`);
          return;
        }
        const chosen = typeof o.confirm === 'string' ? new Set(o.confirm.split(',').map((s) => s.trim())) : null;
        const pairs = result.proposals.filter((p) => (chosen === null ? p.preselected : chosen.has(p.companyId))).map((p) => ({ companyId: p.companyId, tenantId: p.tenantId }));
        const outcomes = await confirmMarketplaceMatches(rt, actor(), pairs);
        if (o.json) return printJson(outcomes);
        printTable(outcomes.map((x) => ({ company: x.companyId, tenant: x.tenantId, result: x.ok ? 'mapped' : (x.error?.message ?? 'failed') })), ['company', 'tenant', 'result']);
      }),
    );

  mappings
    .command('suggested')
    .description('suggested matches by name with a confidence (Autotask, ConnectWise); --confirm maps them')
    .argument('<integration>', 'name or id')
    .option('--confirm [companies]', 'map the preselected suggestions (90 % or more, nothing to warn about), or those of these comma-separated company ids')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, o: { confirm?: string | boolean; json?: boolean }) =>
      withRuntime(nameOrId, async (rt) => {
        const result = await proposeNameMatches(rt);
        if (o.confirm === undefined) {
          if (o.json) return printJson(result);
          printTable(
            result.suggestions.map((s) => ({ company: s.companyName, tenant: s.tenantName, confidence: `${Math.round(s.confidence * 100)} %`, basis: s.basis, preselected: s.preselected ? 'yes' : 'no', warnings: s.warnings.join(' ') })),
            ['company', 'tenant', 'confidence', 'basis', 'preselected', 'warnings'],
          );
          for (const a of result.ambiguous) process.stdout.write(`not suggested: ${a.message}\n`);
          return;
        }
        const chosen = typeof o.confirm === 'string' ? new Set(o.confirm.split(',').map((s) => s.trim())) : null;
        const picked = result.suggestions.filter((s) => (chosen === null ? s.preselected : chosen.has(s.companyId)));
        const outcomes = await confirmNameMatches(rt, actor(), picked.map((s) => ({ companyId: s.companyId, tenantId: s.tenantId })));
        if (o.json) return printJson(outcomes);
        const names = new Map(picked.map((s) => [s.companyId, s]));
        printTable(
          outcomes.map((x) => ({ company: names.get(x.companyId)?.companyName ?? x.companyId, tenant: names.get(x.companyId)?.tenantName ?? x.tenantId, result: x.ok ? 'mapped' : (x.error?.message ?? 'failed') })),
          ['company', 'tenant', 'result'],
        );
      }),
    );
}
