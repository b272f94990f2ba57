// Test-only: the alert titles the seeds' screens list (issue 14 rule 8), which the emulator's
// catalogue and the hub's ticket-creation data must both carry.
export const SEED_SCREEN_ALERT_TITLES = [
  'Agent is outdated',
  'Backup is missing',
  'No access to your account',
  'Quota exceeded',
  'Quota reached',
  'Backup did not start',
  'Backup failed',
  'Backup is corrupted',
  'Backup is canceled',
  'Backup is not responding',
  'Activity succeeded with warnings',
  'Backup status is unknown',
] as const;
