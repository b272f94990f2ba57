// An integration as the API shows it: its target, connection, features, the names (never the
// values) of its stored credential fields, and its health (the one rule, src/domain/integration-health.ts).
import { z } from 'zod';
import { TARGET_SYSTEMS, type TargetSystem } from '../../../connectors/registry.ts';
import type { Integration, TargetCredentials } from '../../../store/repositories/integrations.ts';
import type { LoopRun } from '../../../store/repositories/loop-runs.ts';
import { readIntegrationHealth } from '../../../sync/integration-health.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationHealthSchema } from './integration-health.ts';

export const targetSchema = z.enum(TARGET_SYSTEMS as readonly [TargetSystem, ...TargetSystem[]]);

export const runSchema = z.object({
  id: z.string(),
  loop: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()),
});

export const integrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: targetSchema,
  connection: z.object({ id: z.string(), name: z.string().nullable() }),
  enabled: z.boolean(),
  features: z.object({ provisioning: z.boolean(), tickets: z.boolean() }),
  credentials: z
    .object({ stored: z.array(z.string()).describe('Names of the stored credential fields; their values are never returned') })
    .describe('Replace a field with PATCH { credentials: { field: value } }'),
  health: integrationHealthSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const presentRun = (run: LoopRun): z.infer<typeof runSchema> => ({
  id: run.id,
  loop: run.loop,
  status: run.status,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  error: run.error,
  stats: run.stats,
});

/** `present(integration, connectionNames?)`: the API's view; pass the connection names when presenting a list. */
export function integrationPresenter(store: Pick<RouteDeps['store'], 'db' | 'repos'>) {
  const { integrations, connections } = store.repos;
  return async function present(integration: Integration, connectionNames?: Map<string, string>): Promise<z.infer<typeof integrationSchema>> {
    // Only the field names leave this function; a store that cannot decrypt them reports none.
    const [health, stored] = await Promise.all([
      readIntegrationHealth(store, integration),
      integrations.getCredentials(integration.id).catch((): TargetCredentials => ({})),
    ]);
    const connectionName = connectionNames
      ? (connectionNames.get(integration.connectionId) ?? null)
      : ((await connections.get(integration.connectionId))?.name ?? null);
    return {
      id: integration.id,
      name: integration.name,
      target: integration.target,
      connection: { id: integration.connectionId, name: connectionName },
      enabled: integration.enabled,
      features: { provisioning: integration.features.provisioning === true, tickets: integration.features.tickets === true },
      credentials: { stored: Object.keys(stored).filter((key) => stored[key] !== undefined && stored[key] !== '') },
      health,
      createdAt: integration.createdAt,
      updatedAt: integration.updatedAt,
    };
  };
}
