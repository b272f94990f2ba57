/**
 * Where the distributed job runner keeps its state on PostgreSQL: pg-boss's own tables (pg-boss
 * creates and upgrades them when the runner starts) and the hub's schedule table beside them
 * (`psa_bridge_schedule`, created by migration 0018), so the runner's state lives, and is backed up
 * or dropped, together.
 *
 * Fixed rather than configurable: the schedule table is made by the store's migrations, which run
 * before any runner exists and know nothing of a runner's settings, so a schema chosen per runner
 * would leave it without its table. (No deployment chose another; the runner never offered it outside
 * its own options.)
 */
export const JOB_SCHEMA = 'pgboss';

/** The hub's schedule table in JOB_SCHEMA: one row per (integration, loop) with its cadence and next due time. */
export const JOB_SCHEDULE_TABLE = 'psa_bridge_schedule';
