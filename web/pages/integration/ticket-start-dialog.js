// Switching ticket creation on without flooding the PSA (GET/POST /integrations/:id/ticket-start):
// the alerts already open for this integration's customers are listed with their count, and tickets
// are raised for them only if the person chooses so; the default is "only alerts raised from now on".
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorState, Loading } from '../../components/page-state.js';
import { Time } from '../../format.js';
import { useResource } from '../../use-resource.js';

const SHOWN = 50;

/** `onStarted(from)` once ticket creation is on; `from` is 'now' or 'all'. */
export function TicketStartDialog({ base, psa, companyWord, onClose, onStarted }) {
  const existing = useResource(() => api.get(`${base}/ticket-start`), [base]);
  const [from, setFrom] = useState('now');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const count = existing.data?.existing.count ?? 0;
  const alerts = existing.data?.existing.alerts ?? [];

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${base}/ticket-start`, { from: count === 0 ? 'now' : from });
      await onStarted(count === 0 ? 'now' : from, count);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return html`<${Dialog}
    open=${true}
    wide
    title="Turn ticket creation on"
    onClose=${onClose}
    onSubmit=${submit}
    busy=${busy}
    footer=${html`<span class="spacer"></span><button type="button" onClick=${onClose} disabled=${busy}>Cancel</button>
      <button type="submit" class="primary" disabled=${busy || !existing.data}>${busy ? 'Turning on…' : from === 'all' && count > 0 ? `Turn on and raise ${count} ticket${count === 1 ? '' : 's'}` : 'Turn on'}</button>`}
  >
    ${existing.error && html`<${ErrorState} message=${`The open alerts could not be read: ${existing.error}`} onRetry=${existing.reload} />`}
    ${!existing.data && !existing.error && html`<${Loading} label="Reading the alerts already open…" />`}
    ${existing.data &&
    html`
      ${count === 0
        ? html`<p>No alert is open for your customers now: tickets are raised in ${psa} for alerts from now on.</p>`
        : html`<p class="ticket-start-count"><strong>${count} alert${count === 1 ? ' is' : 's are'} open</strong> for your customers now, some perhaps for a long time.</p>
            <fieldset class="field">
              <legend>Raise tickets in ${psa} for</legend>
              <div class="choice-grid">
                <label class=${`choice${from === 'now' ? ' chosen' : ''}`}>
                  <input type="radio" name="ticket-start" value="now" checked=${from === 'now'} onChange=${() => setFrom('now')} /> Only alerts raised from now on
                </label>
                <label class=${`choice${from === 'all' ? ' chosen' : ''}`}>
                  <input type="radio" name="ticket-start" value="all" checked=${from === 'all'} onChange=${() => setFrom('all')} /> Also the ${count} open alert${count === 1 ? '' : 's'}
                </label>
              </div>
              <p class="hint">${from === 'now' ? 'The open alerts are left alone; they raise no ticket.' : `${count} ticket${count === 1 ? '' : 's'} will be created by the next alerts pass.`}</p>
            </fieldset>
            <table class="data-table" aria-label="Alerts open now">
              <thead><tr><th>${companyWord.replace(/^./, (c) => c.toUpperCase())}</th><th>Alert</th><th>Severity</th><th>Raised</th></tr></thead>
              <tbody>
                ${alerts.slice(0, SHOWN).map(
                  (a) => html`<tr>
                    <td data-label=${companyWord}>${a.companyName ?? a.tenantName ?? 'Unknown customer'}</td>
                    <td data-label="Alert">${a.typeTitle ?? a.type}</td>
                    <td data-label="Severity">${a.severity}</td>
                    <td data-label="Raised"><${Time} iso=${a.createdAt} /></td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${count > Math.min(alerts.length, SHOWN) && html`<p class="hint">Showing ${Math.min(alerts.length, SHOWN)} of ${count}.</p>`}`}
    `}
    ${error && html`<div class="alert alert-error" role="alert">${error}</div>`}
  <//>`;
}
