// What the portal knows about targets beyond what the hub describes (GET /integrations/targets
// gives labels and credential fields): the loops' names in words, and the health states.
export const TARGET_LABELS = {
  autotask: 'Autotask',
  connectwise: 'ConnectWise Manage',
  cloudblue: 'CloudBlue PSA',
  gradient: 'Gradient Synthesize',
  interworks: 'interworks.cloud',
};

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

export const targetLabel = (target) => TARGET_LABELS[target] ?? target;
export const loopLabel = (loop) => LOOP_LABELS[loop] ?? loop;
