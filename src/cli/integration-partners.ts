// `psa-bridge integration partners list|add|remove|new-tenants`: the partner tenants one integration
// serves (the vendor's multi-mapping), with the rules of src/sync/integration-partners.ts.
import type { Command } from 'commander';
import type { Store } from '../store/store.ts';
import { findIntegration } from '../sync/integration-runtime.ts';
import { addPartner, listPartners, removePartner, setNewTenantsPartner, type IntegrationPartner } from '../sync/integration-partners.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';

async function connectionId(store: Store, nameOrId: string): Promise<string> {
  const found = (await store.repos.connections.getByName(nameOrId)) ?? (await store.repos.connections.get(nameOrId));
  if (!found) throw new Error(`no connection named "${nameOrId}"; "psa-bridge connection list" shows them`);
  return found.id;
}

function print(partners: readonly IntegrationPartner[], json: boolean | undefined): void {
  if (json === true) return printJson(partners);
  printTable(
    partners.map((p) => ({
      connection: p.connectionName,
      'partner tenant': p.tenantName ?? p.tenantId ?? '(not tested)',
      'data center': p.baseUrl,
      role: [p.primary ? 'primary' : '', p.newTenants ? 'new tenants' : ''].filter(Boolean).join(', '),
    })),
    ['connection', 'partner tenant', 'data center', 'role'],
  );
}

export function registerPartnerCommands(integration: Command): void {
  const partners = integration
    .command('partners')
    .description('the partner tenants an integration serves (one connection each: data center + API client); a running hub picks a change up at its next pass or request');

  partners
    .command('list')
    .argument('<integration>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => print(await listPartners(store, (await findIntegration(store, nameOrId)).id), options.json));
    });

  partners
    .command('add')
    .description('add a tested connection as a further partner tenant')
    .argument('<integration>', 'name or id')
    .argument('<connection>', 'name or id')
    .option('--new-tenants', 'create new customer tenants under this partner from now on')
    .action(async (nameOrId: string, connection: string, options: { newTenants?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const found = await findIntegration(store, nameOrId);
        const id = await connectionId(store, connection);
        let list = await addPartner(store, found.id, id);
        if (options.newTenants === true) list = await setNewTenantsPartner(store, found.id, id);
        await store.repos.auditLog.record({ actor: 'cli', action: 'integration.partner_add', subjectType: 'integration', subjectId: found.id, details: { connectionId: id } });
        print(list, false);
      });
    });

  partners
    .command('remove')
    .description('remove a further partner tenant (refused while companies are mapped to its tenants)')
    .argument('<integration>', 'name or id')
    .argument('<connection>', 'name or id')
    .action(async (nameOrId: string, connection: string) => {
      await withHubContext(async ({ store }) => {
        const found = await findIntegration(store, nameOrId);
        const id = await connectionId(store, connection);
        const list = await removePartner(store, found.id, id);
        await store.repos.auditLog.record({ actor: 'cli', action: 'integration.partner_remove', subjectType: 'integration', subjectId: found.id, details: { connectionId: id } });
        print(list, false);
      });
    });

  partners
    .command('new-tenants')
    .description('choose the partner new customer tenants are created under (companies keep the partner their tenant was made under)')
    .argument('<integration>', 'name or id')
    .argument('<connection>', 'name or id of one of its partners')
    .action(async (nameOrId: string, connection: string) => {
      await withHubContext(async ({ store }) => {
        const found = await findIntegration(store, nameOrId);
        const id = await connectionId(store, connection);
        const list = await setNewTenantsPartner(store, found.id, id);
        await store.repos.auditLog.record({ actor: 'cli', action: 'integration.partner_new_tenants', subjectType: 'integration', subjectId: found.id, details: { connectionId: id } });
        print(list, false);
      });
    });
}
