// Notifications: where the hub says that an integration turned failed or degraded, and that it
// recovered — by email (an SMTP server) or a chat incoming webhook (Slack, Microsoft Teams). An
// administrator adds, edits, tests, switches off and removes channels; the SMTP password and the
// webhook URL are never shown back (the hub returns only that they are set). Recent deliveries are
// listed with their state, and a failed one with the error, so a silent channel is noticed.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { confirm, Dialog } from '../components/dialog.js';
import { fieldErrorsFrom, SelectField, TextField } from '../components/form-field.js';
import { SecretField } from '../components/secret-field.js';
import { toast } from '../components/toasts.js';
import { Time } from '../format.js';
import { useResource } from '../use-resource.js';

const KIND_LABELS = { email: 'Email (SMTP)', webhook: 'Chat webhook' };
const STATE_BADGES = { sent: 'badge-good', pending: 'badge-warn', failed: 'badge-bad' };
const splitAddresses = (text) => text.split(/[\s,;]+/).map((a) => a.trim()).filter(Boolean);

function initialValues(channel) {
  if (channel?.kind === 'email') {
    const e = channel.email;
    return { kind: 'email', name: channel.name, host: e.host, port: String(e.port), secure: e.secure ? 'tls' : 'starttls', user: e.user ?? '', password: null, from: e.from, to: e.to.join(', '), url: null };
  }
  if (channel?.kind === 'webhook') return { kind: 'webhook', name: channel.name, url: null, host: '', port: '587', secure: 'starttls', user: '', password: null, from: '', to: '' };
  return { kind: 'email', name: '', host: '', port: '587', secure: 'starttls', user: '', password: '', from: '', to: '', url: '' };
}

/** Adds a channel (`channel` undefined) or edits one; stored secrets stay unless replaced. */
function ChannelDialog({ channel, onClose, onSaved }) {
  const [values, setValues] = useState(() => initialValues(channel));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (key) => (value) => setValues((v) => ({ ...v, [key]: value }));
  const editing = channel !== undefined;

  const check = () => {
    const found = {};
    if (!values.name.trim()) found.name = 'Required';
    if (values.kind === 'email') {
      if (!values.host.trim()) found.host = 'Required';
      if (!/^\d+$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65535) found.port = 'A port from 1 to 65535, e.g. 587 or 465';
      if (!values.from.trim()) found.from = 'Required';
      if (splitAddresses(values.to).length === 0) found.to = 'At least one address';
    } else if (!editing && !values.url?.trim()) {
      found.url = 'Required';
    }
    return found;
  };

  const body = () => {
    if (values.kind === 'email') {
      const email = { host: values.host.trim(), port: Number(values.port), secure: values.secure === 'tls', user: values.user.trim() === '' ? null : values.user.trim(), from: values.from.trim(), to: splitAddresses(values.to) };
      if (values.password !== null) email.password = values.password === '' ? null : values.password;
      return { name: values.name.trim(), email, ...(editing ? {} : { kind: 'email' }) };
    }
    return { name: values.name.trim(), ...(values.url === null ? {} : { webhook: { url: values.url.trim() } }), ...(editing ? {} : { kind: 'webhook' }) };
  };

  const submit = async () => {
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const saved = editing ? await api.patch(`/notification-channels/${channel.id}`, body()) : await api.post('/notification-channels', body());
      onSaved(saved);
    } catch (error) {
      const byField = fieldErrorsFrom(error, '');
      // A stored password asked for again: open its input so the message shows beside it.
      if (byField.password && values.password === null) setValues((v) => ({ ...v, password: '' }));
      setErrors(Object.keys(byField).length > 0 ? byField : { form: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return html`
    <${Dialog} open=${true} title=${editing ? `Edit "${channel.name}"` : 'Add notification channel'} onClose=${onClose} onSubmit=${submit} busy=${busy} wide
      footer=${html`<button type="button" onClick=${onClose}>Cancel</button><button type="submit" class="primary" disabled=${busy}>${busy ? 'Saving…' : 'Save channel'}</button>`}>
      ${errors.form && html`<p class="error-text" role="alert">${errors.form}</p>`}
      ${!editing &&
      html`<${SelectField} label="Send by" name="channel-kind" value=${values.kind} onChange=${set('kind')}
        options=${[{ value: 'email', label: 'Email through an SMTP server' }, { value: 'webhook', label: 'Chat incoming webhook (Slack, Microsoft Teams)' }]} />`}
      <${TextField} label="Name" name="channel-name" value=${values.name} onInput=${set('name')} error=${errors.name} hint="What the channel is, e.g. “Service desk mail”." required />
      ${values.kind === 'email'
        ? html`
            <${TextField} label="SMTP server" name="smtp-host" value=${values.host} onInput=${set('host')} error=${errors.host} placeholder="smtp.example.com" required />
            <${TextField} label="Port" name="smtp-port" value=${values.port} onInput=${set('port')} error=${errors.port} hint="587 with STARTTLS, 465 with TLS." required />
            <${SelectField} label="Encryption" name="smtp-secure" value=${values.secure} onChange=${set('secure')}
              options=${[{ value: 'starttls', label: 'STARTTLS when the server offers it (port 587 or 25)' }, { value: 'tls', label: 'TLS from the start (port 465)' }]} />
            <${TextField} label="User name" name="smtp-user" value=${values.user} onInput=${set('user')} error=${errors.user} hint="Leave empty when the server needs no sign-in." autocomplete="off" />
            <${SecretField} label="Password" name="smtp-password" stored=${channel?.email?.password?.set === true} value=${values.password} onChange=${set('password')} error=${errors.password} required=${false} />
            <${TextField} label="From" name="smtp-from" value=${values.from} onInput=${set('from')} error=${errors.from} placeholder="psa-bridge@example.com" required />
            <${TextField} label="To" name="smtp-to" value=${values.to} onInput=${set('to')} error=${errors.to} hint="One or more addresses, separated by commas." required />
          `
        : html`<${SecretField} label="Webhook URL" name="webhook-url" stored=${editing} value=${values.url} onChange=${set('url')} error=${errors.url}
            hint=${editing ? `Now posting to ${channel.webhook.url.host}.` : 'The incoming-webhook URL the chat tool gives you; psa-bridge posts {"text": "…"} to it. It is kept secret.'} />`}
    <//>
  `;
}

export function NotificationsPage({ user: me }) {
  const isAdmin = me?.role === 'admin';
  const channels = useResource(() => api.get('/notification-channels').then((r) => r.items), []);
  const deliveries = useResource(() => api.get('/notification-deliveries?limit=20').then((r) => r.items), []);
  const [editing, setEditing] = useState(null); // null, 'new' or a channel
  const [testing, setTesting] = useState(null);

  useEffect(() => {
    document.title = 'Notifications · psa-bridge';
  }, []);

  const reload = () => {
    channels.reload();
    deliveries.reload();
  };
  const sendTest = async (channel) => {
    setTesting(channel.id);
    try {
      const delivery = await api.post(`/notification-channels/${channel.id}/test`);
      if (delivery.state === 'sent') toast.success(`Test notification sent to "${channel.name}".`);
      else toast.error(`The test notification to "${channel.name}" failed: ${delivery.lastError}`);
    } catch (error) {
      toast.error(error);
    } finally {
      setTesting(null);
      reload();
    }
  };
  const setEnabled = async (channel, enabled) => {
    try {
      await api.patch(`/notification-channels/${channel.id}`, { enabled });
      toast.success(`"${channel.name}" ${enabled ? 'switched on' : 'switched off'}.`);
    } catch (error) {
      toast.error(error);
    }
    reload();
  };
  const remove = async (channel) => {
    if (!(await confirm({ title: 'Remove channel', message: `Remove "${channel.name}"? Health changes are no longer sent there.`, confirmLabel: 'Remove', danger: true }))) return;
    try {
      await api.delete(`/notification-channels/${channel.id}`);
      toast.success(`"${channel.name}" removed.`);
    } catch (error) {
      toast.error(error);
    }
    reload();
  };

  const names = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  const channelColumns = [
    { key: 'name', label: 'Name', render: (c) => html`<strong>${c.name}</strong>` },
    { key: 'kind', label: 'Sends by', render: (c) => KIND_LABELS[c.kind] },
    {
      key: 'where',
      label: 'To',
      sortValue: (c) => (c.kind === 'email' ? c.email.to.join(', ') : c.webhook.url.host),
      render: (c) => (c.kind === 'email' ? html`${c.email.to.join(', ')} <span class="muted">via ${c.email.host}:${c.email.port}</span>` : html`${c.webhook.url.host} <span class="muted">(URL kept secret)</span>`),
    },
    { key: 'enabled', label: 'Status', sortValue: (c) => (c.enabled ? 0 : 1), render: (c) => (c.enabled ? html`<span class="badge badge-good">On</span>` : html`<span class="badge badge-neutral">Off</span>`) },
    { key: 'lastSentAt', label: 'Last sent', render: (c) => html`<${Time} iso=${c.lastSentAt} />` },
    { key: 'lastError', label: 'Last error', render: (c) => (c.lastError ? html`<span class="error-text">${c.lastError}</span>` : html`<span class="muted">—</span>`) },
  ];
  const deliveryColumns = [
    { key: 'createdAt', label: 'When', render: (d) => html`<${Time} iso=${d.createdAt} />` },
    { key: 'channelId', label: 'Channel', sortValue: (d) => names.get(d.channelId) ?? '', render: (d) => names.get(d.channelId) ?? '—' },
    { key: 'subject', label: 'Message', render: (d) => html`<span title=${d.body}>${d.subject}</span>` },
    { key: 'state', label: 'State', render: (d) => html`<span class=${`badge ${STATE_BADGES[d.state]}`}>${d.state === 'pending' && d.attempts > 0 ? 'retrying' : d.state}</span>` },
    { key: 'lastError', label: 'Error', render: (d) => (d.lastError ? html`<span class="error-text">${d.lastError}</span>` : html`<span class="muted">—</span>`) },
  ];

  return html`
    <div class="page-header">
      <h1>Notifications</h1>
      ${isAdmin && html`<button type="button" class="primary" onClick=${() => setEditing('new')}>Add channel</button>`}
    </div>
    <p class="page-lead">
      psa-bridge sends one message when an integration turns failed or degraded, and one when it recovers — not one per pass.
      ${isAdmin ? '' : ' You are read-only: an administrator manages the channels.'}
    </p>
    <${DataTable}
      label="Notification channels"
      columns=${channelColumns}
      source=${channels}
      rowKey=${(c) => c.id}
      empty=${html`<p class="muted">No channels yet: nobody is told when an integration fails.</p>`}
      actions=${isAdmin
        ? (c) => html`<div class="row-actions">
            <button type="button" onClick=${() => sendTest(c)} disabled=${testing === c.id} aria-label=${`Send a test notification to ${c.name}`}>${testing === c.id ? 'Sending…' : 'Send test'}</button>
            <button type="button" onClick=${() => setEditing(c)} aria-label=${`Edit ${c.name}`}>Edit</button>
            <button type="button" onClick=${() => setEnabled(c, !c.enabled)} aria-label=${`${c.enabled ? 'Switch off' : 'Switch on'} ${c.name}`}>${c.enabled ? 'Switch off' : 'Switch on'}</button>
            <button type="button" class="danger" onClick=${() => remove(c)} aria-label=${`Remove ${c.name}`}>Remove</button>
          </div>`
        : undefined}
    />
    <div class="page-header section-header"><h2>Recent notifications</h2></div>
    <${DataTable}
      label="Recent notifications"
      columns=${deliveryColumns}
      source=${deliveries}
      rowKey=${(d) => d.id}
      initialSort=${{ key: 'createdAt', dir: 'desc' }}
      empty=${html`<p class="muted">Nothing sent yet.</p>`}
    />
    ${editing !== null &&
    html`<${ChannelDialog}
      channel=${editing === 'new' ? undefined : editing}
      onClose=${() => setEditing(null)}
      onSaved=${(saved) => {
        setEditing(null);
        toast.success(`"${saved.name}" saved.`);
        reload();
      }}
    />`}
  `;
}
