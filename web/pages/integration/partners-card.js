// Partner tenants (the vendor's multi-mapping): the partner accounts this integration serves, each a
// data center + API client of its own. The integration's own connection is the primary; further
// partners are added as a new, tested connection (the Connections page's dialog, so the secret is
// typed once and never shown back), removed with a confirmation, and one of them is chosen for the
// customer tenants the hub creates. The rules (tested connection, no partner twice, no removal while
// companies are mapped to its tenants) are the API's: its refusals are shown as they come.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { confirm } from '../../components/dialog.js';
import { StatusBadge } from '../../components/status-badge.js';
import { withToasts } from '../../components/toasts.js';
import { Time } from '../../format.js';
import { useResource } from '../../use-resource.js';
import { ConnectionDialog } from '../connection-dialog.js';

export function PartnersCard({ integration }) {
  const base = `/integrations/${integration.id}/partners`;
  const state = useResource(() => api.get(base).then((r) => r.items), [integration.id]);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  // The partner being chosen for new tenants shows as chosen while the API answers.
  const [choosing, setChoosing] = useState(null);
  const partners = state.data ?? [];

  const run = async (work, done) => {
    setBusy(true);
    const ok = await withToasts(async () => state.setData((await work()).items), done);
    setBusy(false);
    return ok;
  };

  // The connection is saved (and tested) by the dialog; it becomes a partner here. A connection the
  // API refuses as a partner (e.g. it reaches a partner tenant already served) is not left behind.
  const added = async (connection) => {
    setAdding(false);
    const ok = await run(() => api.post(base, { connectionId: connection.id }), `Partner "${connection.name}" added: its customer tenants are listed from the next pass.`);
    if (!ok) await api.delete(`/connections/${connection.id}`).catch(() => {});
  };

  const remove = async (partner) => {
    const yes = await confirm({
      title: 'Remove partner tenant',
      message:
        `Remove "${partner.connectionName}" (${partner.tenantName ?? partner.dataCenter}) from this integration? ` +
        'Its customer tenants are no longer listed, provisioned or billed here; nothing is deleted in the vendor cloud. ' +
        'Companies mapped to its tenants keep their mapping: the partner cannot be removed while any is mapped, so unlink them on the mapping tab first.' +
        (partner.newTenants ? ' New customer tenants will be created under the primary partner again.' : ''),
      confirmLabel: 'Remove partner',
      danger: true,
    });
    if (!yes) return;
    await run(() => api.delete(`${base}/${partner.connectionId}`), `Partner "${partner.connectionName}" removed.`);
  };

  const chooseForNewTenants = async (partner) => {
    setChoosing(partner.connectionId);
    await run(() => api.put(`${base}/new-tenants`, { connectionId: partner.connectionId }), `New customer tenants are created under "${partner.connectionName}".`);
    setChoosing(null);
  };

  return html`
    <section class="card card-full" aria-labelledby="partners-title">
      <h2 id="partners-title">Partner tenants</h2>
      <p class="hint card-lead">
        The partner accounts this integration serves, each with credentials of its own (possibly in another data center).
        A company is mapped to a tenant of one of them; new customer tenants are created under the one chosen here.
      </p>
      ${state.error && html`<p class="error-text" role="alert">${state.error}</p>`}
      ${state.data &&
      html`
        <table class="table" aria-label="Partner tenants">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Data center</th>
              <th scope="col">Tenant id</th>
              <th scope="col">Check</th>
              <th scope="col">New tenants</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${partners.map(
              (p) => html`<tr key=${p.connectionId}>
                <td><strong>${p.connectionName}</strong>${p.tenantName && html`<span class="cell-note info">${p.tenantName}</span>`}${p.primary && html`<span class="cell-note info">Primary: the integration's own connection</span>`}</td>
                <td><span class="mono">${p.dataCenter}</span></td>
                <td><span class="mono">${p.tenantId ?? '—'}</span></td>
                <td><${StatusBadge} status=${p.status} />${p.status === 'error' && p.lastError && html`<span class="cell-note">${p.lastError}</span>`}${p.lastCheckedAt && html`<span class="cell-note info">Checked <${Time} iso=${p.lastCheckedAt} /></span>`}</td>
                <td>
                  <label>
                    <input type="radio" name="new-tenants-partner" value=${p.connectionId} checked=${choosing === null ? p.newTenants : choosing === p.connectionId} disabled=${busy}
                      aria-label=${`Create new tenants under ${p.connectionName}`} onChange=${() => chooseForNewTenants(p)} />
                    ${p.newTenants ? ' Created here' : ''}
                  </label>
                </td>
                <td>${!p.primary && html`<button type="button" class="danger" disabled=${busy} aria-label=${`Remove ${p.connectionName}`} onClick=${() => remove(p)}>Remove</button>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        <div class="form-actions"><button type="button" disabled=${busy} onClick=${() => setAdding(true)}>Add partner tenant</button></div>
      `}
      ${adding && html`<${ConnectionDialog} connection=${null} title="Add partner tenant" onClose=${() => setAdding(false)} onSaved=${added} />`}
    </section>
  `;
}
