// The partner tenants of an integration (the vendor's multi-mapping): its own connection (the
// primary) and further connections, each a data center + API client = one partner tenant, and which
// one new customer tenants are created under. The rules are src/sync/integration-partners.ts'.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addPartner, listPartners, removePartner, setNewTenantsPartner, type IntegrationPartner } from '../../../sync/integration-partners.ts';
import { errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';

export const partnerSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  dataCenter: z.string().describe('The data center URL of the connection'),
  tenantId: z.string().nullable().describe('The partner tenant (known once the connection was tested)'),
  tenantName: z.string().nullable(),
  primary: z.boolean().describe("The integration's own connection"),
  newTenants: z.boolean().describe('New customer tenants are created under this partner'),
  status: z.enum(['ok', 'error', 'unchecked']).describe("The connection's last check"),
  lastCheckedAt: z.string().nullable(),
  lastError: z.string().nullable().describe('Why the last check failed (never a secret)'),
});

export const presentPartner = (p: IntegrationPartner): z.infer<typeof partnerSchema> => ({
  connectionId: p.connectionId,
  connectionName: p.connectionName,
  dataCenter: p.baseUrl,
  tenantId: p.tenantId,
  tenantName: p.tenantName,
  primary: p.primary,
  newTenants: p.newTenants,
  status: p.status,
  lastCheckedAt: p.lastCheckedAt,
  lastError: p.lastError,
});

/** A tenant's partner on a row of a list of tenants (src/sync/tenant-partners.ts). */
export const tenantPartnerSchema = z
  .object({ connectionId: z.string(), connectionName: z.string(), tenantName: z.string().nullable(), dataCenter: z.string() })
  .describe('The partner tenant the tenant belongs to; present only when the integration serves several partner tenants');

const listSchema = z.object({ items: z.array(partnerSchema) });
const params = z.object({ id: z.string().min(1) });

export const integrationPartnerRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { integrations, auditLog } = deps.store.repos;

  async function requireIntegration(id: string) {
    const integration = await integrations.get(id);
    if (!integration) throw notFound('integration', id);
    return integration;
  }

  const changed = async (request: Parameters<typeof principalOf>[0], integrationId: string, action: string, details: Record<string, unknown>) => {
    // The runtime holds one vendor connector per partner: rebuild it with the new set.
    deps.runtimes.invalidate(integrationId);
    await auditLog.record({ actor: actorOf(principalOf(request)), action, subjectType: 'integration', subjectId: integrationId, details });
  };

  app.get(
    '/integrations/:id/partners',
    {
      schema: {
        tags: ['integrations'],
        summary: 'The partner tenants the integration serves: its own connection first, then the ones added',
        params,
        response: { 200: listSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      return { items: (await listPartners(deps.store, integration.id)).map(presentPartner) };
    },
  );

  app.post(
    '/integrations/:id/partners',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Add a partner tenant (a tested connection) to the integration',
        description:
          'Refused (409) when the connection is untested, already a partner, reaches a partner tenant the integration already serves, or serves another integration for the same PSA (which would provision its customers twice).',
        params,
        body: z.strictObject({ connectionId: z.string().min(1, 'is required') }),
        response: { 201: listSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const integration = await requireIntegration(request.params.id);
      const partners = await addPartner(deps.store, integration.id, request.body.connectionId);
      await changed(request, integration.id, 'integration.partner_add', { connectionId: request.body.connectionId });
      return reply.code(201).send({ items: partners.map(presentPartner) });
    },
  );

  app.delete(
    '/integrations/:id/partners/:connectionId',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Remove a partner tenant from the integration',
        description: 'Refused (409) for the primary connection and while companies are mapped to tenants of that partner (unlink them first).',
        params: params.extend({ connectionId: z.string().min(1) }),
        response: { 200: listSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const { connectionId } = request.params;
      const partnerOf = async (tenantId: string) => {
        const rt = await deps.runtimes.get(integration.id);
        return (await rt.partnerOf(tenantId)).connectionId;
      };
      const partners = await removePartner(deps.store, integration.id, connectionId, partnerOf);
      await changed(request, integration.id, 'integration.partner_remove', { connectionId });
      return { items: partners.map(presentPartner) };
    },
  );

  app.put(
    '/integrations/:id/partners/new-tenants',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Choose the partner new customer tenants are created under (a company keeps the partner its tenant was made under)',
        params,
        body: z.strictObject({ connectionId: z.string().min(1, 'is required') }),
        response: { 200: listSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const partners = await setNewTenantsPartner(deps.store, integration.id, request.body.connectionId);
      await changed(request, integration.id, 'integration.partner_new_tenants', { connectionId: request.body.connectionId });
      return { items: partners.map(presentPartner) };
    },
  );
};
