// Add or edit a connection. "Test connection" checks the typed credentials against the vendor
// cloud and names the tenant they reach; saving a new connection tests first and saves only
// credentials that work. When editing, the stored secret is kept unless replaced.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, errorDetailOf, messageOf } from '../api.js';
import { ErrorDetail } from '../components/error-detail.js';
import { Dialog } from '../components/dialog.js';
import { fieldErrorsFrom, requireFields, TextField } from '../components/form-field.js';
import { SecretField } from '../components/secret-field.js';

/** `title`: the dialog's title for a new connection (a partner tenant of an integration is one). */
export function ConnectionDialog({ connection, onClose, onSaved, title = 'Add connection' }) {
  const editing = connection !== null;
  const [values, setValues] = useState({
    name: connection?.name ?? '',
    baseUrl: connection?.baseUrl ?? '',
    clientId: connection?.clientId ?? '',
  });
  const [secret, setSecret] = useState(editing ? null : '');
  const [errors, setErrors] = useState({});
  const [check, setCheck] = useState(null); // { ok, text }
  const [busy, setBusy] = useState(null); // 'test' | 'save'

  const set = (name) => (value) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => (e[name] ? { ...e, [name]: undefined } : e));
    setCheck(null);
  };
  const credentials = () => ({ baseUrl: values.baseUrl.trim(), clientId: values.clientId.trim(), clientSecret: secret ?? '' });

  const validate = (forTest) => {
    const found = requireFields(values, forTest ? ['baseUrl', 'clientId'] : ['name', 'baseUrl', 'clientId']);
    if (secret !== null && !secret.trim()) found.clientSecret = 'Required';
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  /** Returns true when the typed credentials reach a tenant. */
  const runTest = async () => {
    setBusy('test');
    setCheck(null);
    try {
      const result = await api.post('/connections/test', credentials());
      if (result.ok) {
        setCheck({ ok: true, text: `Reached ${result.tenant.kind} tenant "${result.tenant.name}".` });
        return true;
      }
      setCheck({ ok: false, text: result.error.message });
      return false;
    } catch (error) {
      setErrors(fieldErrorsFrom(error));
      setCheck({ ok: false, text: messageOf(error), detail: errorDetailOf(error) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const test = async () => {
    if (secret === null) {
      setErrors({ clientSecret: 'Replace the secret to test new credentials; saved connections are tested from the list' });
      return;
    }
    if (validate(true)) await runTest();
  };

  const save = async () => {
    if (!validate(false)) return;
    // A new connection, or changed credentials, must work before they are stored.
    const credentialsChanged = !editing || secret !== null || values.baseUrl !== connection.baseUrl || values.clientId !== connection.clientId;
    if (credentialsChanged && secret !== null && !(check?.ok === true) && !(await runTest())) return;
    setBusy('save');
    try {
      let saved;
      if (editing) {
        const patch = { name: values.name.trim(), baseUrl: values.baseUrl.trim(), clientId: values.clientId.trim() };
        if (secret !== null) patch.clientSecret = secret;
        saved = await api.patch(`/connections/${connection.id}`, patch);
        if (credentialsChanged) await api.post(`/connections/${connection.id}/test`).catch(() => {});
      } else {
        saved = await api.post('/connections', { name: values.name.trim(), ...credentials() });
        // Record the successful check on the saved connection, so the list shows its tenant.
        await api.post(`/connections/${saved.id}/test`).catch(() => {});
      }
      onSaved(saved, !editing);
    } catch (error) {
      setErrors(fieldErrorsFrom(error));
      setCheck({ ok: false, text: messageOf(error), detail: errorDetailOf(error) });
      setBusy(null);
    }
  };

  return html`
    <${Dialog}
      open=${true}
      title=${editing ? `Edit connection "${connection.name}"` : title}
      onClose=${onClose}
      onSubmit=${save}
      busy=${busy !== null}
      footer=${html`
        <button type="button" onClick=${test} disabled=${busy !== null}>${busy === 'test' ? 'Testing…' : 'Test connection'}</button>
        <span class="spacer"></span>
        <button type="button" onClick=${onClose} disabled=${busy !== null}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy !== null}>${busy === 'save' ? 'Saving…' : editing ? 'Save' : 'Test and save'}</button>
      `}
    >
      <${TextField} label="Name" name="name" value=${values.name} onInput=${set('name')} error=${errors.name} hint="How you refer to it, e.g. eu2" required />
      <${TextField} label="Data-center URL" name="baseUrl" type="url" value=${values.baseUrl} onInput=${set('baseUrl')} error=${errors.baseUrl} placeholder="https://eu2-cloud.acronis.com" required />
      <${TextField} label="Client id" name="clientId" value=${values.clientId} onInput=${set('clientId')} error=${errors.clientId} required />
      <${SecretField} label="Client secret" name="clientSecret" stored=${editing} value=${secret} onChange=${(v) => { setSecret(v); setCheck(null); }} error=${errors.clientSecret} />
      <div aria-live="polite" class="check-result">
        ${check && html`<div class=${`alert ${check.ok ? 'alert-success' : 'alert-error'}`} role=${check.ok ? 'status' : 'alert'}>${check.text}${check.detail && html`<${ErrorDetail} detail=${check.detail} />`}</div>`}
      </div>
    <//>
  `;
}
