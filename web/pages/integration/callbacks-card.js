// Pushed changes: whether the target tells the hub of its changes (Autotask webhooks, ConnectWise
// callbacks) instead of waiting for the next poll. Only shown for a target that can push. Turning
// it on registers the hub's callback address at the target, so it asks for the hub's public URL
// (the address the target reaches, usually a reverse proxy's) and shows what the target now holds;
// off removes the registrations. The polls stay on either way: they are the fallback.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api.js';
import { TextField } from '../../components/form-field.js';
import { Switch } from '../../components/switch.js';
import { toast } from '../../components/toasts.js';
import { useResource } from '../../use-resource.js';

const ENTITY_LABELS = { company: 'Company changes', contract: 'Contract changes', ticket: 'Ticket changes' };

export function CallbacksCard({ integration, target }) {
  const state = useResource(() => api.get(`/integrations/${integration.id}/callbacks`), [integration.id]);
  const [publicUrl, setPublicUrl] = useState(null);
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const current = state.data;
  // Until a person types, the field shows the stored address, else the one this page was loaded from.
  const shown = publicUrl ?? current?.publicUrl ?? window.location.origin;

  const apply = async (enabled) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api.put(`/integrations/${integration.id}/callbacks`, enabled ? { enabled, publicUrl: shown.trim() } : { enabled });
      state.setData(updated);
      setPublicUrl(null);
      toast.success(enabled ? `${target.shortLabel ?? target.label} now pushes its changes to the hub.` : `Pushed changes turned off: the loops poll on their schedule.`);
    } catch (failure) {
      if (failure?.code === 'public_url_invalid' || failure?.code === 'public_url_required') setError(messageOf(failure));
      toast.error(failure);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section class="card" aria-labelledby="callbacks-title">
      <h2 id="callbacks-title">Pushed changes</h2>
      <p class="hint card-lead">
        ${target.label} can tell the hub when a ticket, company or contract changes, so the change is applied in seconds
        instead of at the next poll. The polls go on as the fallback.
      </p>
      ${state.error && html`<p class="error-text" role="alert">${state.error}</p>`}
      ${current &&
      html`
        <${Switch}
          id="callbacks-enabled"
          label="Push changes to the hub"
          description=${current.enabled ? `Registered at ${current.callbackUrl}` : 'Off: changes are found by the polls.'}
          checked=${current.enabled}
          disabled=${busy}
          onChange=${(on) => apply(on)}
        />
        <${TextField}
          id="callbacks-public-url"
          label="Hub's public URL"
          name="publicUrl"
          value=${shown}
          error=${error}
          hint=${`The address ${target.label} reaches this hub at (often a reverse proxy's). Changing it while on registers the new address and removes the old one.`}
          onInput=${(value) => setPublicUrl(value)}
          disabled=${busy}
        />
        ${current.enabled &&
        publicUrl !== null &&
        publicUrl.trim() !== current.publicUrl &&
        html`<div class="form-actions"><button type="button" class="primary" disabled=${busy} onClick=${() => apply(true)}>Register at the new address</button></div>`}
        ${current.enabled &&
        html`
          <table class="table" aria-label="Registrations">
            <thead><tr><th scope="col">What ${target.label} pushes</th><th scope="col">Its id</th><th scope="col">State</th></tr></thead>
            <tbody>
              ${current.registrations.length === 0 && html`<tr><td colspan="3">${target.label} holds no registration for this address: turn the switch off and on again.</td></tr>`}
              ${current.registrations.map(
                (r) => html`<tr><td>${ENTITY_LABELS[r.entity] ?? r.entity}</td><td>${r.id}</td><td>${r.active ? 'Active' : `Inactive in ${target.label}`}</td></tr>`,
              )}
            </tbody>
          </table>
        `}
      `}
    </section>
  `;
}
