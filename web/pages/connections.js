// Vendor-cloud connections: the list with each one's status and the partner tenant it reaches,
// a test per row, and add / edit / delete. Adding tests the credentials before saving them.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { confirm } from '../components/dialog.js';
import { Empty } from '../components/page-state.js';
import { StatusBadge } from '../components/status-badge.js';
import { toast } from '../components/toasts.js';
import { Time } from '../format.js';
import { useResource } from '../use-resource.js';
import { ConnectionDialog } from './connection-dialog.js';

const STATUS_OPTIONS = [
  { value: 'ok', label: 'OK' },
  { value: 'error', label: 'Error' },
  { value: 'unchecked', label: 'Unchecked' },
];

export function ConnectionsPage() {
  const connections = useResource(() => api.get('/connections').then((r) => r.items), []);
  const [editing, setEditing] = useState(null); // null: closed; {}: new; a connection: edit
  const [testing, setTesting] = useState(() => new Set());

  useEffect(() => {
    document.title = 'Connections · psa-bridge';
  }, []);

  const test = async (connection) => {
    setTesting((s) => new Set(s).add(connection.id));
    try {
      const result = await api.post(`/connections/${connection.id}/test`);
      if (result.ok) toast.success(`"${connection.name}" reaches ${result.tenant.name}.`);
      else toast.error(`"${connection.name}": ${result.error.message}`);
    } catch (error) {
      toast.error(error);
    } finally {
      setTesting((s) => {
        const next = new Set(s);
        next.delete(connection.id);
        return next;
      });
      connections.reload();
    }
  };

  const remove = async (connection) => {
    const yes = await confirm({
      title: 'Delete connection',
      message: `Delete the connection "${connection.name}"? Integrations cannot use it afterwards.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!yes) return;
    try {
      await api.delete(`/connections/${connection.id}`);
      toast.success(`Connection "${connection.name}" deleted.`);
      connections.reload();
    } catch (error) {
      toast.error(error);
    }
  };

  const columns = [
    { key: 'name', label: 'Name', render: (c) => html`<strong>${c.name}</strong>` },
    {
      key: 'status',
      label: 'Status',
      render: (c) => html`<${StatusBadge} status=${c.status} />${c.status === 'error' && c.lastError ? html`<span class="cell-note">${c.lastError}</span>` : null}`,
    },
    { key: 'tenant', label: 'Partner tenant', sortValue: (c) => c.tenant?.name ?? '', render: (c) => c.tenant?.name ?? html`<span class="muted">—</span>` },
    { key: 'baseUrl', label: 'Data center', render: (c) => html`<span class="mono">${c.baseUrl}</span>` },
    { key: 'clientId', label: 'API client', render: (c) => html`<span class="mono truncate" title=${c.clientId}>${c.clientId}</span>` },
    { key: 'lastCheckedAt', label: 'Last checked', render: (c) => html`<${Time} iso=${c.lastCheckedAt} />` },
  ];

  return html`
    <div class="page-header">
      <h1>Connections</h1>
      <button type="button" class="primary" onClick=${() => setEditing({})}>Add connection</button>
    </div>
    <p class="page-lead">A connection is the data-center URL and API client of the partner tenant psa-bridge acts for.</p>
    <${DataTable}
      label="Connections"
      columns=${columns}
      source=${connections}
      rowKey=${(c) => c.id}
      search=${{ placeholder: 'Search connections', text: (c) => `${c.name} ${c.baseUrl} ${c.clientId} ${c.tenant?.name ?? ''}` }}
      filters=${[{ key: 'status', label: 'Status', options: STATUS_OPTIONS, test: (c, v) => c.status === v }]}
      initialSort=${{ key: 'name', dir: 'asc' }}
      empty=${html`<${Empty} title="No connections yet">
        <p>Add the API client of your partner tenant to start.</p>
        <button type="button" class="primary" onClick=${() => setEditing({})}>Add connection</button>
      <//>`}
      actions=${(c) => html`
        <div class="row-actions">
          <button type="button" onClick=${() => test(c)} disabled=${testing.has(c.id)} aria-label=${`Test ${c.name}`}>${testing.has(c.id) ? 'Testing…' : 'Test'}</button>
          <button type="button" onClick=${() => setEditing(c)} aria-label=${`Edit ${c.name}`}>Edit</button>
          <button type="button" class="danger" onClick=${() => remove(c)} aria-label=${`Delete ${c.name}`}>Delete</button>
        </div>
      `}
    />
    ${editing &&
    html`<${ConnectionDialog}
      connection=${editing.id ? editing : null}
      onClose=${() => setEditing(null)}
      onSaved=${(saved, created) => {
        setEditing(null);
        toast.success(created ? `Connection "${saved.name}" added.` : `Connection "${saved.name}" saved.`);
        connections.reload();
      }}
    />`}
  `;
}
