// Users & tokens: who can sign in (with their role), and the caller's API tokens. Administrators
// add users (the hub generates the password, shown once), change roles, disable, enable and delete;
// everyone changes their own password. API tokens are created with a role (the value is shown
// once), listed without their values and revoked. Read-only users see no write controls: the hub
// would refuse them anyway (403 read_only).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { confirm, Dialog } from '../components/dialog.js';
import { SelectField, TextField } from '../components/form-field.js';
import { ShownOnceDialog } from '../components/shown-once.js';
import { toast, withToasts } from '../components/toasts.js';
import { Time } from '../format.js';
import { useResource } from '../use-resource.js';

export const ROLE_LABELS = { admin: 'Administrator', read_only: 'Read-only' };
const ROLE_OPTIONS = [
  { value: 'admin', label: 'Administrator — may change everything' },
  { value: 'read_only', label: 'Read-only — may see everything, change nothing' },
];

/**
 * Adds a user or creates an API token: a name and a role, posted to `path` as `{ [field]: name, role }`;
 * `onDone` gets the answer (with the secret the hub shows once).
 */
function NameAndRoleDialog({ title, label, field, hint, submit: [submitLabel, busyLabel], path, onClose, onDone }) {
  const [values, setValues] = useState({ name: '', role: 'read_only' });
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!values.name.trim()) return setError('Required');
    setBusy(true);
    try {
      onDone(await api.post(path, { [field]: values.name.trim(), role: values.role }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <${Dialog} open=${true} title=${title} onClose=${onClose} onSubmit=${submit} busy=${busy}
      footer=${html`<button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary" disabled=${busy}>${busy ? busyLabel : submitLabel}</button>`}>
      <${TextField} label=${label} name=${`${field}-new`} value=${values.name} onInput=${(v) => setValues({ ...values, name: v })} error=${error} hint=${hint} required />
      <${SelectField} label="Role" name=${`${field}-role`} value=${values.role} onChange=${(v) => setValues({ ...values, role: v })} options=${ROLE_OPTIONS} />
    <//>
  `;
}

function OwnPassword() {
  const [values, setValues] = useState({ currentPassword: '', newPassword: '' });
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    if (!values.currentPassword || !values.newPassword) return setError('Give the current password and the new one');
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/auth/password', values);
      setValues({ currentPassword: '', newPassword: '' });
      toast.success('Password changed. Your other sessions were signed out.');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section class="card" aria-labelledby="own-password-title">
      <h2 id="own-password-title">Change your password</h2>
      <form onSubmit=${submit} novalidate>
        <${TextField} label="Current password" name="current-password" type="password" autocomplete="current-password" value=${values.currentPassword} onInput=${(v) => setValues({ ...values, currentPassword: v })} />
        <${TextField} label="New password" name="new-password" type="password" autocomplete="new-password" hint="At least 8 characters." value=${values.newPassword} onInput=${(v) => setValues({ ...values, newPassword: v })} error=${error} />
        <button type="submit" class="primary" disabled=${busy}>${busy ? 'Changing…' : 'Change password'}</button>
      </form>
    </section>
  `;
}

export function UsersPage({ user: me }) {
  const isAdmin = me?.role === 'admin';
  const users = useResource(() => api.get('/users').then((r) => r.items), []);
  // Administrators see and revoke every user's tokens; others only their own.
  const tokens = useResource(() => api.get(isAdmin ? '/tokens?owner=all' : '/tokens').then((r) => r.items), [isAdmin]);
  const [adding, setAdding] = useState(false);
  const [creatingToken, setCreatingToken] = useState(false);
  const [secret, setSecret] = useState(null); // { title, label, value, note }

  useEffect(() => {
    document.title = 'Users & tokens · psa-bridge';
  }, []);

  const act = async (work, done) => {
    await withToasts(work, done);
    users.reload();
    tokens.reload();
  };
  const setRole = (u, role) => act(() => api.patch(`/users/${u.id}`, { role }), `"${u.username}" is now ${ROLE_LABELS[role].toLowerCase()}.`);
  const setDisabled = (u, disabled) => act(() => api.patch(`/users/${u.id}`, { disabled }), `"${u.username}" ${disabled ? 'disabled' : 'enabled'}.`);
  const remove = async (u) => {
    const yes = await confirm({ title: 'Delete user', message: `Delete "${u.username}"? Their sessions and API tokens end; the audit trail keeps their name.`, confirmLabel: 'Delete', danger: true });
    if (yes) await act(() => api.delete(`/users/${u.id}`), `"${u.username}" deleted.`);
  };
  const revoke = async (t) => {
    const yes = await confirm({ title: 'Revoke API token', message: `Revoke "${t.name}"? Whatever uses it is refused from now on.`, confirmLabel: 'Revoke', danger: true });
    if (yes) await act(() => api.delete(`/tokens/${t.id}`), `Token "${t.name}" revoked.`);
  };

  const userColumns = [
    { key: 'username', label: 'Username', render: (u) => html`<strong>${u.username}</strong>${u.id === me?.id ? html` <span class="muted">(you)</span>` : null}` },
    { key: 'role', label: 'Role', sortValue: (u) => ROLE_LABELS[u.role], render: (u) => ROLE_LABELS[u.role] },
    { key: 'disabled', label: 'Status', sortValue: (u) => (u.disabled ? 1 : 0), render: (u) => (u.disabled ? html`<span class="badge badge-warn">Disabled</span>` : html`<span class="badge badge-good">Enabled</span>`) },
    { key: 'lastLoginAt', label: 'Last sign-in', render: (u) => html`<${Time} iso=${u.lastLoginAt} />` },
    { key: 'createdAt', label: 'Added', render: (u) => html`<${Time} iso=${u.createdAt} />` },
  ];
  const tokenColumns = [
    { key: 'name', label: 'Name', render: (t) => html`<strong>${t.name}</strong>` },
    { key: 'owner', label: 'Owner', sortValue: (t) => t.owner.username, render: (t) => t.owner.username },
    { key: 'role', label: 'Role', render: (t) => ROLE_LABELS[t.role] },
    { key: 'createdAt', label: 'Created', render: (t) => html`<${Time} iso=${t.createdAt} />` },
    { key: 'lastUsedAt', label: 'Last used', render: (t) => html`<${Time} iso=${t.lastUsedAt} />` },
  ];

  return html`
    <div class="page-header">
      <h1>Users & tokens</h1>
      ${isAdmin && html`<button type="button" class="primary" onClick=${() => setAdding(true)}>Add user</button>`}
    </div>
    <p class="page-lead">
      ${isAdmin
        ? 'Administrators change everything; read-only users and tokens see everything and change nothing.'
        : 'You are read-only: you can see everything but change nothing except your own password. An administrator manages users.'}
    </p>
    <${DataTable}
      label="Users"
      columns=${userColumns}
      source=${users}
      rowKey=${(u) => u.id}
      initialSort=${{ key: 'username', dir: 'asc' }}
      actions=${isAdmin
        ? (u) =>
            u.id === me?.id
              ? html`<span class="muted">—</span>`
              : html`<div class="row-actions">
                  ${u.role === 'admin'
                    ? html`<button type="button" onClick=${() => setRole(u, 'read_only')} aria-label=${`Make ${u.username} read-only`}>Make read-only</button>`
                    : html`<button type="button" onClick=${() => setRole(u, 'admin')} aria-label=${`Make ${u.username} an administrator`}>Make administrator</button>`}
                  ${u.disabled
                    ? html`<button type="button" onClick=${() => setDisabled(u, false)} aria-label=${`Enable ${u.username}`}>Enable</button>`
                    : html`<button type="button" onClick=${() => setDisabled(u, true)} aria-label=${`Disable ${u.username}`}>Disable</button>`}
                  <button type="button" class="danger" onClick=${() => remove(u)} aria-label=${`Delete ${u.username}`}>Delete</button>
                </div>`
        : undefined}
    />

    <div class="page-header section-header">
      <h2>${isAdmin ? 'API tokens of every user' : 'Your API tokens'}</h2>
      ${isAdmin && html`<button type="button" onClick=${() => setCreatingToken(true)}>Create API token</button>`}
    </div>
    <p class="hint">Send a token as <code>Authorization: Bearer …</code>. A token never acts with more than your own role.</p>
    <${DataTable}
      label="API tokens"
      columns=${tokenColumns}
      source=${tokens}
      rowKey=${(t) => t.id}
      empty=${html`<p class="muted">No API tokens.</p>`}
      actions=${isAdmin ? (t) => html`<button type="button" class="danger" onClick=${() => revoke(t)} aria-label=${`Revoke ${t.name}`}>Revoke</button>` : undefined}
    />

    <${OwnPassword} />

    ${adding &&
    html`<${NameAndRoleDialog}
      title="Add user"
      label="Username"
      field="username"
      hint="psa-bridge generates the password and shows it once; the person changes it after signing in."
      submit=${['Add user', 'Adding…']}
      path="/users"
      onClose=${() => setAdding(false)}
      onDone=${(created) => {
        setAdding(false);
        users.reload();
        setSecret({ title: `User "${created.username}" added`, label: 'Password', value: created.generatedPassword, note: `Give this password to ${created.username}; they change it after signing in.` });
      }}
    />`}
    ${creatingToken &&
    html`<${NameAndRoleDialog}
      title="Create API token"
      label="Name"
      field="name"
      hint="Say what uses it, e.g. “monitoring”."
      submit=${['Create token', 'Creating…']}
      path="/tokens"
      onClose=${() => setCreatingToken(false)}
      onDone=${(created) => {
        setCreatingToken(false);
        tokens.reload();
        setSecret({ title: `API token "${created.name}" created`, label: 'Token', value: created.token, note: 'Copy the token into the tool that uses it.' });
      }}
    />`}
    <${ShownOnceDialog} title=${secret?.title ?? ''} label=${secret?.label ?? ''} value=${secret?.value ?? null} note=${secret?.note ?? ''} onClose=${() => setSecret(null)} />
  `;
}
