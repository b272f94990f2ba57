import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_sync_snapshots.ts';
import * as m0003 from './0003_alert_links.ts';
import * as m0004 from './0004_usage_history.ts';
import * as m0005 from './0005_mapping_unlinked.ts';
import * as m0006 from './0006_dirty_companies.ts';
import * as m0008 from './0008_drop_product_mappings.ts';
import * as m0009 from './0009_hardening.ts';
import * as m0010 from './0010_deprovisioning_countdowns.ts';
import * as m0011 from './0011_trust.ts';
import * as m0012 from './0012_service_manager.ts';
import * as m0013 from './0013_billing_push.ts';
import * as m0014 from './0014_gradient_alert_mappings.ts';
import * as m0016 from './0016_token_roles.ts';
import * as m0017 from './0017_notification_deliveries.ts';
import * as m0018 from './0018_job_schedules.ts';
import * as m0019 from './0019_integration_partners.ts';

/**
 * Every migration, listed in code rather than found on disk, so they run the same under tsx, from
 * a bundle and from a compiled build. The key is the order: Kysely sorts names, so keep the
 * zero-padded number prefix and the file name identical to the key (a mismatch is how hand-kept
 * lists drift).
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_sync_snapshots': m0002,
  '0003_alert_links': m0003,
  '0004_usage_history': m0004,
  '0005_mapping_unlinked': m0005,
  '0006_dirty_companies': m0006,
  '0008_drop_product_mappings': m0008,
  '0009_hardening': m0009,
  '0010_deprovisioning_countdowns': m0010,
  '0011_trust': m0011,
  '0012_service_manager': m0012,
  '0013_billing_push': m0013,
  '0014_gradient_alert_mappings': m0014,
  '0016_token_roles': m0016,
  '0017_notification_deliveries': m0017,
  '0018_job_schedules': m0018,
  '0019_integration_partners': m0019,
};
