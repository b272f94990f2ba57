import type { Kysely } from 'kysely';
import { legacyAlertMapping } from '../../domain/billing-alert-policy.ts';

/**
 * Gradient's alert → ticket choices move from its own connector settings (`alertTypes`,
 * `alertPriorities` as text) to the shared alert mappings and ticket settings every other target
 * uses, so the same screens, API and CLI configure them. Per Gradient integration that had set
 * them: each type named is enabled in `alert-mappings` with its `priority` field (mappings already
 * stored there win), and ticket creation is switched on in `tickets`, because those alerts were
 * being sent. The old keys are removed from `connector`, whose schema no longer has them. An
 * integration that had set neither had "every type" by default, a list that cannot be written
 * down without asking Acronis: it gets the shared default (ticket creation off until a person
 * enables types). A data migration: running it again finds nothing left to move.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const rows = await db
    .selectFrom('integration_settings')
    .innerJoin('integrations', 'integrations.id', 'integration_settings.integration_id')
    .select(['integration_settings.integration_id as integrationId', 'integration_settings.value as value'])
    .where('integrations.target', '=', 'gradient')
    .where('integration_settings.key', '=', 'connector')
    .execute();
  const now = new Date().toISOString();
  for (const row of rows as { integrationId: string; value: string }[]) {
    const connector = parse(row.value);
    if (!('alertTypes' in connector) && !('alertPriorities' in connector)) continue;
    const { alertTypes, alertPriorities, ...rest } = connector as { alertTypes?: string; alertPriorities?: string };
    const legacy = legacyAlertMapping({ alertTypes, alertPriorities });
    const writes: Record<string, unknown> = { connector: rest };
    if (legacy !== null) {
      const current = parse(await read(db, row.integrationId, 'alert-mappings'));
      const currentTypes = (current.types ?? {}) as Record<string, unknown>;
      writes['alert-mappings'] = { defaults: current.defaults ?? {}, types: { ...legacy.types, ...currentTypes } };
      writes['tickets'] = { ...parse(await read(db, row.integrationId, 'tickets')), enabled: true };
    }
    for (const [key, value] of Object.entries(writes)) {
      await db
        .insertInto('integration_settings')
        .values({ integration_id: row.integrationId, key, value: JSON.stringify(value), updated_at: now })
        .onConflict((oc) => oc.columns(['integration_id', 'key']).doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
        .execute();
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function read(db: Kysely<any>, integrationId: string, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('integration_settings').select('value').where('integration_id', '=', integrationId).where('key', '=', key).executeTakeFirst();
  return (row as { value: string } | undefined)?.value;
}

function parse(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The moved settings stay where they are now: the old keys have no reader any more. */
export async function down(): Promise<void> {}
