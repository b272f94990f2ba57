import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import { createAcronisVendor } from '../../src/connectors/acronis/vendor.ts';
import { startCli } from '../../test/support/cli.ts';
import { measure, type Measurement } from '../measure.ts';
import { count, largeSeedArgs, type BenchScale } from '../scale.ts';

/**
 * The `large` dataset (10,000 customer tenants under one partner at full scale): what it costs the hub to see all
 * of them with their offering items and usage. The emulator runs in a child process, so memory
 * figures are the hub's alone.
 */
export async function acronisLarge(scale: BenchScale): Promise<Measurement[]> {
  const emulator = await startCli(['emulate', 'acronis', ...largeSeedArgs(scale)], {}, 60_000);
  try {
    const { url, credentials } = emulator.firstLine as { url: string; credentials: { client_id: string; client_secret: string } };
    const counter = createCallCounter();
    const vendor = createAcronisVendor({ baseUrl: url, clientId: credentials.client_id, clientSecret: credentials.client_secret, onCall: counter.observe, pageSize: 1000 });
    const { tenantId: partnerId } = await vendor.whoAmI();
    const calls = () => counter.total();
    const results: Measurement[] = [];
    let tenantIds: string[] = [];

    results.push(
      await measure(`list ${count(scale.customers)} customer tenants`, async () => {
        const ids: string[] = [];
        for await (const tenant of vendor.listCustomerTenants({ parentId: partnerId })) ids.push(tenant.id);
        tenantIds = ids;
        return { tenants: ids.length };
      }, calls),
    );

    results.push(
      await measure('offering items, subtree listing', async () => {
        const tenants = new Set<string>();
        let items = 0;
        for await (const entry of vendor.listOfferingItems({ subtreeRootId: partnerId })) {
          tenants.add(entry.tenantId);
          items += 1;
        }
        return { tenants: tenants.size, items };
      }, calls),
    );

    results.push(
      await measure('offering items, one call per tenant (8 at once)', async () => {
        let next = 0;
        let items = 0;
        const worker = async () => {
          while (next < tenantIds.length) {
            const id = tenantIds[next++]!;
            items += (await vendor.getOfferingItems(id)).length;
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        return { tenants: tenantIds.length, items };
      }, calls),
    );

    results.push(
      await measure('usages, batches of 100 tenants', async () => {
        let tenants = 0;
        let usages = 0;
        for await (const entry of vendor.getUsages(tenantIds)) {
          tenants += 1;
          usages += entry.usages.length;
        }
        return { tenants, usages };
      }, calls),
    );
    return results;
  } finally {
    await emulator.stop();
  }
}
