import type { Command } from 'commander';
import { readIntegrationHealth } from '../sync/integration-health.ts';
import { listReadableProblems } from '../sync/plan-problems.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';
import { hubVersion } from './version.ts';

/** Problems printed per integration in the table view (`--json` has them all). */
const PROBLEMS_SHOWN = 10;

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('what the hub holds: database, connections, integrations with their health and open problems, their last loop runs')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withHubContext(
        async ({ store }) => {
          const connections = await store.repos.connections.list();
          const integrations = await Promise.all(
            (await store.repos.integrations.list()).map(async (integration) => ({
              ...integration,
              health: await readIntegrationHealth(store, integration),
              problems: (await listReadableProblems(store, integration.id)).filter((p) => p.severity !== 'info'),
            })),
          );
          const runs = (
            await Promise.all(
              integrations.map(async (integration) =>
                (await store.repos.loopRuns.latestPerLoop(integration.id)).map((run) => ({
                  integration: integration.name,
                  ...run,
                  verdict: integration.health.loops.find((l) => l.loop === run.loop) ?? null,
                })),
              ),
            )
          ).flat();
          if (options.json) {
            return printJson({ version: hubVersion(), database: { dialect: store.dialect, location: store.location }, connections, integrations, runs });
          }
          process.stdout.write(`psa-bridge ${hubVersion()}, database ${store.location} (${store.dialect})\n\nconnections\n`);
          printTable(
            connections.map((c) => ({ name: c.name, url: c.baseUrl, tenant: c.tenantName, status: c.status, error: c.lastError })),
            ['name', 'url', 'tenant', 'status', 'error'],
          );
          process.stdout.write('\nintegrations\n');
          printTable(
            integrations.map((i) => ({ name: i.name, target: i.target, enabled: i.enabled ? 'yes' : 'no', health: i.health.status, count: i.health.count || null, reason: i.health.reason })),
            ['name', 'target', 'enabled', 'health', 'count', 'reason'],
          );
          for (const integration of integrations.filter((i) => i.problems.length > 0)) {
            process.stdout.write(`\nproblems of ${integration.name} (${integration.problems.length})\n`);
            printTable(
              integration.problems.slice(0, PROBLEMS_SHOWN).map((p) => ({ severity: p.severity, company: p.company.name ?? p.company.id, service: p.service, problem: p.message, 'what to do': p.advice })),
              ['severity', 'company', 'service', 'problem', 'what to do'],
            );
            if (integration.problems.length > PROBLEMS_SHOWN) process.stdout.write(`… and ${integration.problems.length - PROBLEMS_SHOWN} more (psa-bridge status --json lists them all)\n`);
          }
          process.stdout.write('\nlast runs\n');
          printTable(
            runs.map((r) => ({ integration: r.integration, loop: r.loop, status: r.verdict?.status ?? r.status, started: r.startedAt, error: r.error ?? r.verdict?.reason ?? null })),
            ['integration', 'loop', 'status', 'started', 'error'],
          );
        },
        { create: false },
      );
    });
}
