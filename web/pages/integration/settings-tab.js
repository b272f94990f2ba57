// Integration settings: on/off for the integration and its features (saved at once), and the
// target credentials: stored, masked, replaceable field by field, never shown back. A billing
// platform (Gradient) has no feature switches: its loops all run while the integration is on (the
// PSA features, provisioning and tickets with their lifecycle, do not apply to it), and its ticket
// creation has its own switch on the Ticket creation tab. The Partner tenants card lists the vendor
// partner accounts the integration serves. A target that can push its changes
// (webhooks, callbacks) gets the Pushed changes card.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { CredentialFields, credentialErrors } from '../../components/credential-fields.js';
import { fieldErrorsFrom } from '../../components/form-field.js';
import { Switch } from '../../components/switch.js';
import { toast, withToasts } from '../../components/toasts.js';
import { FEATURE_LABELS } from '../../targets.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { CallbacksCard } from './callbacks-card.js';
import { PartnersCard } from './partners-card.js';

const FEATURE_HELP = {
  provisioning: 'Quotas from contracts, tenants for new companies, usage written back.',
  tickets: 'Alerts raise tickets in the target, with their full lifecycle.',
};

export default function SettingsTab({ integration, target, onIntegrationChange }) {
  const [saving, setSaving] = useState(null);

  const patch = async (body, what, done) => {
    setSaving(what);
    const ok = await withToasts(async () => onIntegrationChange(await api.patch(`/integrations/${integration.id}`, body)), done);
    setSaving(null);
    return ok;
  };

  return html`
    <div class="settings-grid">
      <section class="card" aria-labelledby="features-title">
        <h2 id="features-title">Features</h2>
        <${Switch}
          id="integration-enabled"
          label="Integration enabled"
          description="When off, no loop runs for this integration."
          checked=${integration.enabled}
          disabled=${saving !== null}
          onChange=${(on) => patch({ enabled: on }, 'enabled', on ? 'Integration enabled.' : 'Integration disabled.')}
        />
        ${target.kind === 'billing-platform' &&
        html`<p class="hint">${target.shortLabel} is pushed to on every loop's schedule while the integration is enabled; ticket creation is switched on the Ticket creation tab.</p>`}
        ${Object.entries(target.kind === 'billing-platform' ? {} : FEATURE_LABELS).map(
          ([key, label]) => html`<${Switch}
            id=${`feature-${key}`}
            label=${label}
            description=${FEATURE_HELP[key]}
            checked=${integration.features[key]}
            disabled=${saving !== null}
            onChange=${(on) => patch({ features: { [key]: on } }, key, `${label} turned ${on ? 'on' : 'off'}.`)}
          />`,
        )}
      </section>
      <${CredentialsCard} integration=${integration} target=${target} onSaved=${onIntegrationChange} />
      ${target.capabilities.callbacks === true && html`<${CallbacksCard} integration=${integration} target=${target} />`}
      <${PartnersCard} integration=${integration} />
    </div>
  `;
}

function CredentialsCard({ integration, target, onSaved }) {
  const stored = integration.credentials.stored;
  const blank = () => Object.fromEntries(target.fields.map((f) => [f.name, stored.includes(f.name) ? null : '']));
  const [values, setValues] = useState(blank);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const replaced = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
  const dirty = Object.keys(replaced).length > 0;
  useUnsavedChanges(dirty, 'the credentials');

  const save = async (event) => {
    event.preventDefault();
    const found = credentialErrors(target, values, stored);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const updated = await api.patch(`/integrations/${integration.id}`, { credentials: replaced });
      onSaved(updated);
      setValues(Object.fromEntries(target.fields.map((f) => [f.name, null])));
      toast.success(`${target.label} credentials replaced.`);
    } catch (error) {
      setErrors(fieldErrorsFrom(error, 'body.credentials.'));
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section class="card" aria-labelledby="credentials-title">
      <h2 id="credentials-title">${target.label} credentials</h2>
      <p class="hint card-lead">Stored encrypted and never shown back. Replace a field to change it; the others are kept.</p>
      <form onSubmit=${save} novalidate>
        <${CredentialFields}
          target=${target}
          values=${values}
          errors=${errors}
          stored=${stored}
          onChange=${(field, value) => setValues((v) => ({ ...v, [field]: value }))}
        />
        <div class="form-actions">
          ${dirty && html`<button type="button" onClick=${() => { setValues(blank()); setErrors({}); }} disabled=${busy}>Cancel</button>`}
          <button type="submit" class="primary" disabled=${!dirty || busy}>${busy ? 'Saving…' : 'Save credentials'}</button>
        </div>
      </form>
    </section>
  `;
}
