// Words the portal uses beyond what the hub describes (GET /api/v1/targets gives each target's
// label, credential fields, words and tabs): the loops' names, the health states, the features.

export const LOOP_LABELS = {
  directory: 'Customer mapping',
  provisioning: 'Provisioning',
  usage: 'Usage',
  alerts: 'Alerts → tickets',
  tickets: 'Tickets → alerts',
  catalog: 'Catalog',
};

export const HEALTH_LABELS = {
  ok: 'OK',
  failed: 'Failed',
  degraded: 'Degraded',
  running: 'Running',
  never_run: 'Never run',
  disabled: 'Disabled',
};

export const FEATURE_LABELS = {
  provisioning: 'Product mapping and provisioning',
  tickets: 'Ticket creation',
};

export const loopLabel = (loop) => LOOP_LABELS[loop] ?? loop;
