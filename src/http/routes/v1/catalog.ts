// What the Product mapping tab chooses from (seed 000 §3.1 and §5.1, seed 002 §5): the vendor's
// offering items (the hub's catalog: Standard and Advanced packs, storage per infra), the target's
// services/products and bundles, its period types and service codes, and the partner's storages for
// the default-storage choice. Read live through the integration's runtime (its own credentials),
// from every partner tenant it serves: the union, each item naming the partners that offer it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TargetProduct, VendorTenant } from '../../../connectors/ports.ts';
import { autoServiceName, offeringItemCatalog } from '../../../domain/offering-item-catalog.ts';
import { periodTypes } from '../../../domain/product-mapping.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const productSchema = z.object({
  id: z.string(),
  kind: z.enum(['service', 'bundle']),
  name: z.string(),
  periodType: z.string().nullable(),
  serviceCode: z.string().nullable(),
  unitPrice: z.number().nullable(),
  active: z.boolean(),
  memberIds: z.array(z.string()).optional(),
});

const present = (p: TargetProduct): z.infer<typeof productSchema> => ({
  id: p.id,
  kind: p.kind,
  name: p.name,
  periodType: p.periodType,
  serviceCode: p.serviceCode,
  unitPrice: p.unitPrice,
  active: p.active,
  ...(p.memberIds === undefined ? {} : { memberIds: [...p.memberIds] }),
});

export const catalogRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const runtimes = deps.runtimes;

  app.get(
    '/integrations/:id/catalog',
    {
      schema: {
        tags: ['settings'],
        summary: "Offering items, the target's services/products and bundles, period types, service codes and the partner's storages, for product mapping",
        params: z.object({ id: z.string().min(1) }),
        response: {
          200: z.object({
            target: z.string(),
            capabilities: z.union([z.literal(false), z.object({ bundles: z.boolean(), periodTypes: z.array(z.string()), createServices: z.boolean() })]),
            items: z.array(
              z.object({
                key: z.string(),
                displayName: z.string(),
                pack: z.enum(['standard', 'advanced']),
                perStorage: z.boolean(),
                billingUnit: z.string(),
                requiresAnyOf: z.array(z.string()),
                autoName: z.string(),
                /** The partner may give it to customers (not per storage: see `availableStorages`). */
                available: z.boolean(),
                /** A per-storage item: the storages on which the partner may give it. */
                availableStorages: z.array(z.string()),
                storageClass: z.enum(['class1', 'class2']).nullable(),
                geoRedundant: z.boolean(),
                offeredBy: z.array(z.string()).optional().describe('With several partner tenants: the partners (connection names) that may give it to customers'),
              }),
            ),
            products: z.array(productSchema),
            bundles: z.array(productSchema),
            periodTypes: z.array(z.string()),
            serviceCodes: z.array(z.object({ value: z.string(), label: z.string(), active: z.boolean().optional() })),
            storages: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                platformOwned: z.boolean().nullable(),
                capabilities: z.array(z.string()),
                locationId: z.string().nullable(),
                locationName: z.string().nullable(),
                partners: z.array(z.string()).optional().describe('With several partner tenants: the partners that have this storage'),
              }),
            ),
          }),
          ...errorResponses(401, 404, 502, 504),
        },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(deps.store.repos.integrations, request.params.id);
      const rt = await runtimes.get(integration.id);
      const capabilities = rt.target.capabilities.catalog;
      const catalog = rt.target.catalog;
      const products: TargetProduct[] = [];
      if (catalog !== undefined) for await (const product of catalog.listProducts({ activeOnly: true })) products.push(product);
      // Every partner tenant of the integration (the vendor's multi-mapping) is read: the items are
      // the union of what each may give its customers, each saying which partners offer it.
      const [serviceCodes, perPartner] = await Promise.all([
        catalog === undefined ? [] : catalog.listServiceCodes(),
        Promise.all(
          rt.partners.map(async (partner) => {
            const [storages, locations, offered] = await Promise.all([
              rt.vendor.listStorages(partner.tenantId),
              rt.vendor.listLocations(partner.tenantId),
              rt.vendor.getAvailableForChild(partner.tenantId, 'customer'),
            ]);
            // What the partner may give its customers: an item by name, a storage item by name and storage
            // (the vendor's rule: only items available to the partner are offered for mapping).
            return { partner, storages, locations, offeredKeys: new Set(offered.map((o) => `${o.name}|${o.infraId ?? ''}`)) };
          }),
        ),
      ]);
      const several = rt.partners.length > 1;
      const locationName = new Map(perPartner.flatMap((p) => p.locations.map((l) => [l.id, l.name] as const)));
      // A storage shared by partners (a platform-owned one) is listed once, with every partner that has it.
      const storagesById = new Map<string, { storage: (typeof perPartner)[number]['storages'][number]; partners: string[] }>();
      for (const { partner, storages } of perPartner) {
        for (const st of storages.filter((x) => x.capabilities.length === 0 || x.capabilities.includes('backup'))) {
          const known = storagesById.get(st.id) ?? { storage: st, partners: [] };
          known.partners.push(partner.connectionName);
          storagesById.set(st.id, known);
        }
      }
      const backupStorages = [...storagesById.values()];
      const offeredBy = (key: (p: (typeof perPartner)[number]) => boolean) => perPartner.filter(key).map((p) => p.partner.connectionName);
      return {
        target: integration.target,
        capabilities: capabilities === false ? (false as const) : { bundles: capabilities.bundles, periodTypes: [...capabilities.periodTypes], createServices: capabilities.createServices },
        items: offeringItemCatalog.map((item) => {
          const storagesOf = (p: (typeof perPartner)[number]) => backupStorages.filter(({ storage }) => item.names.some((name) => p.offeredKeys.has(`${name}|${storage.id}`))).map(({ storage }) => storage.id);
          const partners = item.perStorage ? offeredBy((p) => storagesOf(p).length > 0) : offeredBy((p) => item.names.some((name) => p.offeredKeys.has(`${name}|`)));
          return {
            key: item.key,
            displayName: item.displayName,
            pack: item.pack,
            perStorage: item.perStorage,
            billingUnit: item.billingUnit,
            requiresAnyOf: [...item.requiresAnyOf],
            autoName: autoServiceName(item),
            available: !item.perStorage && partners.length > 0,
            availableStorages: item.perStorage ? [...new Set(perPartner.flatMap(storagesOf))] : [],
            storageClass: item.storageClass ?? null,
            geoRedundant: item.geoRedundant === true,
            ...(several ? { offeredBy: partners } : {}),
          };
        }),
        products: products.filter((p) => p.kind === 'service').map(present),
        bundles: products.filter((p) => p.kind === 'bundle').map(present),
        periodTypes: capabilities === false ? [...periodTypes] : [...capabilities.periodTypes],
        serviceCodes: serviceCodes.map(({ value, label, active }) => ({ value, label, ...(active === undefined ? {} : { active }) })),
        storages: backupStorages.map(({ storage: st, partners }) => ({
          id: st.id,
          name: st.name,
          platformOwned: st.platformOwned,
          capabilities: [...st.capabilities],
          locationId: st.locationId,
          locationName: st.locationId === null ? null : (locationName.get(st.locationId) ?? null),
          ...(several ? { partners } : {}),
        })),
      };
    },
  );

  app.get(
    '/integrations/:id/tenants',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Customer tenants to map a company to ("map to existing"), grouped by the partner or folder they are under, with the company each is mapped to',
        params: z.object({ id: z.string().min(1) }),
        response: {
          200: z.object({
            partners: z.array(z.object({ id: z.string(), name: z.string() })),
            tenants: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                parentId: z.string().nullable(),
                customerId: z.string().nullable(),
                enabled: z.boolean(),
                manageable: z.boolean(),
                unmanageableReason: z.string().nullable(),
                mappedTo: z.object({ companyId: z.string(), companyName: z.string() }).nullable(),
              }),
            ),
          }),
          ...errorResponses(401, 404, 502, 504),
        },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(deps.store.repos.integrations, request.params.id);
      const rt = await runtimes.get(integration.id);
      // The directory loop's snapshot: no call to the vendor for the list itself.
      const [rows, mappings, connection] = await Promise.all([rt.snapshots.listTenants<VendorTenant>(integration.id), rt.store.repos.mappings.list(integration.id), rt.store.repos.connections.get(integration.connectionId)]);
      const byTenant = new Map(mappings.filter((m) => m.tenantId !== null && m.state !== 'not_mapped').map((m) => [m.tenantId as string, m]));
      const tenants = rows
        .filter((r) => r.data.kind === undefined || r.data.kind === 'customer')
        .map((r) => {
          const mapped = byTenant.get(r.tenantId);
          return {
            id: r.tenantId,
            name: r.name,
            parentId: r.data.parentId ?? null,
            customerId: r.data.customerId ?? null,
            enabled: r.data.enabled !== false,
            manageable: r.unmanageable === null,
            unmanageableReason: r.unmanageable,
            mappedTo: mapped === undefined ? null : { companyId: mapped.companyId, companyName: mapped.companyName },
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      const parentIds = [...new Set(tenants.map((t) => t.parentId).filter((id): id is string => id !== null))];
      const partners = await Promise.all(
        parentIds.map(async (id) => {
          if (id === rt.partnerTenantId) return { id, name: connection?.tenantName ?? 'Partner' };
          const parent = await rt.vendor.getTenant(id).catch(() => null);
          return { id, name: parent?.name ?? id };
        }),
      );
      partners.sort((a, b) => (a.id === rt.partnerTenantId ? -1 : b.id === rt.partnerTenantId ? 1 : a.name.localeCompare(b.name)));
      return { partners, tenants };
    },
  );
};
