// The kinds a person filters the audit trail by, and which recorded actions belong to each. An
// action is `area.verb` (mapping.map, integration.settings.provisioning.update, user.role, …); a
// kind is a set of action prefixes. `pass` is not an audit action: it is what the loops' passes
// wrote to the targets (the journal's completed steps), merged into the trail by the audit route.
export const AUDIT_KINDS = ['mapping', 'setting', 'integration', 'connection', 'user', 'token', 'sign_in', 'approval', 'callback', 'pass'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  mapping: 'Mappings',
  setting: 'Settings',
  integration: 'Integrations',
  connection: 'Connections',
  user: 'Users',
  token: 'API tokens',
  sign_in: 'Sign-ins',
  approval: 'Approvals',
  callback: 'Callbacks',
  pass: 'Pass writes',
};

/** Action prefixes per kind; more specific ones first so `kindOf` picks the right one. */
const PREFIXES: Array<[AuditKind, string[]]> = [
  ['mapping', ['mapping.', 'marketplace.']],
  [
    'setting',
    ['integration.settings.', 'integration.ticket_settings.', 'integration.alert_mappings.', 'integration.admin_password.', 'integration.callbacks_', 'integration.tickets.', 'notification.'],
  ],
  ['integration', ['integration.', 'sync.']],
  ['connection', ['connection.']],
  ['user', ['user.']],
  ['token', ['api_token.']],
  ['sign_in', ['auth.']],
  ['approval', ['provisioning.approve', 'approval.']],
  ['callback', ['callback.']],
];

export function kindOf(action: string): AuditKind | 'other' {
  for (const [kind, prefixes] of PREFIXES) if (prefixes.some((p) => action.startsWith(p))) return kind;
  return 'other';
}

/** The prefixes of `kind`, and the prefixes of the kinds listed before it that it must exclude. */
export function actionFilterOf(kind: Exclude<AuditKind, 'pass'>): { include: string[]; exclude: string[] } {
  const index = PREFIXES.findIndex(([k]) => k === kind);
  const include = PREFIXES[index]![1];
  const exclude = PREFIXES.slice(0, index)
    .flatMap(([, p]) => p)
    .filter((p) => include.some((i) => p.startsWith(i)));
  return { include, exclude };
}
