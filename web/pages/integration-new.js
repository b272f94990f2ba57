// "Add integration": choose the target and the connection, enter the target's credentials (the
// fields come from the hub, per target), choose features. A target whose connector can check
// credentials (`canTest`) is tested before saving; the others say when that arrives.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { CredentialFields, credentialErrors } from '../components/credential-fields.js';
import { fieldErrorsFrom, SelectField, TextField } from '../components/form-field.js';
import { ErrorState, Loading } from '../components/page-state.js';
import { Switch } from '../components/switch.js';
import { toast } from '../components/toasts.js';
import { navigate } from '../router.js';
import { FEATURE_LABELS } from '../targets.js';
import { useResource } from '../use-resource.js';

export function NewIntegrationPage() {
  const resources = useResource(
    () => Promise.all([api.get('/targets'), api.get('/connections')]).then(([t, c]) => ({ targets: t.items, connections: c.items })),
    [],
  );
  useEffect(() => {
    document.title = 'Add integration · psa-bridge';
  }, []);

  return html`
    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/integrations">Integrations</a> <span aria-hidden="true">/</span> <span aria-current="page">Add</span></nav>
    <h1>Add integration</h1>
    ${resources.error
      ? html`<${ErrorState} message=${resources.error} onRetry=${resources.reload} />`
      : !resources.data
        ? html`<${Loading} />`
        : html`<${NewIntegrationForm} targets=${resources.data.targets} connections=${resources.data.connections} />`}
  `;
}

function NewIntegrationForm({ targets, connections }) {
  const [name, setName] = useState('');
  const [targetId, setTargetId] = useState('');
  const [connectionId, setConnectionId] = useState(connections.length === 1 ? connections[0].id : '');
  const [credentials, setCredentials] = useState({});
  const [features, setFeatures] = useState({ provisioning: false, tickets: false });
  const [errors, setErrors] = useState({});
  const [check, setCheck] = useState(null);
  const [busy, setBusy] = useState(null);
  const target = targets.find((t) => t.target === targetId);
  const clearError = (field) => setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));

  const chooseTarget = (id) => {
    setTargetId(id);
    setCredentials({});
    setCheck(null);
    setErrors((e) => ({ ...e, target: undefined }));
  };

  const validate = () => {
    const found = {};
    if (!name.trim()) found.name = 'Required';
    if (!targetId) found.target = 'Choose the system to connect';
    if (!connectionId) found.connectionId = 'Choose a connection';
    if (target) Object.assign(found, credentialErrors(target, credentials));
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      const id = { name: 'field-name', target: `target-${targets[0].target}`, connectionId: 'field-connectionId' }[first] ?? `field-cred-${first}`;
      document.getElementById(id)?.focus();
    }
    return !first;
  };

  const testCredentials = async () => {
    if (!target) return false;
    const found = credentialErrors(target, credentials);
    setErrors(found);
    if (Object.keys(found).length) return false;
    setBusy('test');
    try {
      const result = await api.post('/integrations/test', { target: target.target, credentials });
      setCheck(result.ok ? { ok: true, text: `Reached ${result.displayName}.` } : { ok: false, text: result.error.message });
      return result.ok;
    } catch (error) {
      setCheck({ ok: false, text: messageOf(error) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const submit = async (event) => {
    event.preventDefault();
    if (!validate()) return;
    if (target.canTest && !check?.ok && !(await testCredentials())) return;
    setBusy('save');
    try {
      const created = await api.post('/integrations', { name: name.trim(), target: target.target, connectionId, credentials, features });
      toast.success(`Integration "${created.name}" added.`);
      navigate(`/integrations/${created.id}/settings`);
    } catch (error) {
      setErrors(fieldErrorsFrom(error));
      setCheck({ ok: false, text: messageOf(error) });
      setBusy(null);
    }
  };

  if (connections.length === 0) {
    return html`<div class="card"><p>An integration needs a connection to the vendor cloud first.</p><a class="button primary" href="/connections">Add a connection</a></div>`;
  }

  return html`
    <form class="card form-card" onSubmit=${submit} novalidate>
      <${TextField} label="Name" name="name" value=${name} onInput=${(v) => { setName(v); clearError('name'); }} error=${errors.name} hint="e.g. Autotask production" required />

      <fieldset class="field" aria-describedby=${errors.target ? 'target-error' : undefined}>
        <legend>Target system<span class="required" aria-hidden="true"> *</span></legend>
        <div class="choice-grid">
          ${targets.map(
            (t) => html`<label class=${`choice${t.target === targetId ? ' chosen' : ''}`}>
              <input type="radio" name="target" id=${`target-${t.target}`} value=${t.target} checked=${t.target === targetId} onChange=${() => chooseTarget(t.target)} />
              <span>${t.label}</span>
            </label>`,
          )}
        </div>
        ${errors.target && html`<p class="error-text" id="target-error">${errors.target}</p>`}
      </fieldset>

      <${SelectField}
        label="Connection"
        name="connectionId"
        value=${connectionId}
        onChange=${(v) => { setConnectionId(v); clearError('connectionId'); }}
        placeholder="Choose a connection"
        options=${connections.map((c) => ({ value: c.id, label: c.tenant?.name ? `${c.name} (${c.tenant.name})` : c.name }))}
        error=${errors.connectionId}
        required
      />

      ${target &&
      html`<fieldset class="field-group">
        <legend>${target.label} credentials</legend>
        <${CredentialFields}
          target=${target}
          values=${credentials}
          errors=${errors}
          onChange=${(field, value) => {
            setCredentials((c) => ({ ...c, [field]: value }));
            clearError(field);
            setCheck(null);
          }}
        />
        <div class="inline-actions">
          ${target.canTest
            ? html`<button type="button" onClick=${testCredentials} disabled=${busy !== null}>${busy === 'test' ? 'Testing…' : 'Test credentials'}</button>`
            : html`<p class="hint">Checking ${target.label} credentials arrives with the ${target.label} connector; the first sync run checks them.</p>`}
        </div>
        <div aria-live="polite">
          ${check && html`<div class=${`alert ${check.ok ? 'alert-success' : 'alert-error'}`}>${check.text}</div>`}
        </div>
      </fieldset>`}

      <fieldset class="field-group">
        <legend>Features</legend>
        ${Object.entries(FEATURE_LABELS).map(
          ([key, label]) => html`<${Switch} id=${`new-feature-${key}`} label=${label} checked=${features[key]} onChange=${(on) => setFeatures((f) => ({ ...f, [key]: on }))} />`,
        )}
      </fieldset>

      <div class="form-actions">
        <a class="button" href="/integrations">Cancel</a>
        <button type="submit" class="primary" disabled=${busy !== null}>${busy === 'save' ? 'Adding…' : 'Add integration'}</button>
      </div>
    </form>
  `;
}
