// Provisioning (seed 000 §5.3, seed 001 "Configuration Options for Provisioning New Acronis Customer
// Tenants", seed 002 §5 step 8): how customer tenants and their admin accounts are created, what
// deprovisioning does (all off by default; deleting asks first), and how often the sync runs. With
// several partner tenants it says which one new customer tenants are created under.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, issuesOf } from '../../api.js';
import { confirm } from '../../components/dialog.js';
import { TextField } from '../../components/form-field.js';
import { ErrorState, Loading } from '../../components/page-state.js';
import { partnerText } from '../../components/partner-column.js';
import { SecretField } from '../../components/secret-field.js';
import { Switch } from '../../components/switch.js';
import { toast } from '../../components/toasts.js';
import { useResource } from '../../use-resource.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';

const INTERVALS = [5, 10, 15, 30, 60, 120, 240, 720, 1440];
const minutesLabel = (m) => (m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : m < 1440 ? `${m / 60} hours` : m === 1440 ? '1 day' : `${m / 1440} days`);

export default function ProvisioningTab({ integration }) {
  const base = `/integrations/${integration.id}`;
  const resource = useResource(
    () =>
      Promise.all([
        api.get(`${base}/settings/provisioning`),
        api.get(`${base}/settings/schedule`),
        api.get(`${base}/settings/provisioning/admin-password`),
        api.get(`${base}/partners`),
      ]).then(([p, s, pw, partners]) => ({
        provisioning: p.value,
        schedule: s.value,
        passwordStored: pw.stored,
        partners: partners.items,
      })),
    [integration.id],
  );
  if (resource.error && !resource.data) return html`<${ErrorState} message=${resource.error} onRetry=${resource.reload} />`;
  if (!resource.data) return html`<${Loading} label="Loading the provisioning settings…" />`;
  return html`<${Form} key=${JSON.stringify(resource.data)} data=${resource.data} base=${base} integration=${integration} onSaved=${resource.reload} />`;
}

function Form({ data, base, integration, onSaved }) {
  const initial = useMemo(() => ({ ...data.provisioning, intervalMinutes: data.schedule.provisioning.intervalMinutes, directoryMinutes: data.schedule.directory.intervalMinutes, tenantEvents: data.schedule.tenantEvents }), [data]);
  const [v, setV] = useState(initial);
  const [password, setPassword] = useState(data.passwordStored ? null : '');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (change) => setV((x) => ({ ...x, ...change }));
  const setAdmin = (change) => setV((x) => ({ ...x, adminAccount: { ...x.adminAccount, ...change } }));
  const setDeprov = (change) => setV((x) => ({ ...x, deprovisioning: { ...x.deprovisioning, ...change } }));
  const setTimed = (step, change) => setV((x) => ({ ...x, timedDeprovisioning: { ...x.timedDeprovisioning, [step]: { ...x.timedDeprovisioning[step], ...change } } }));
  const dirty = JSON.stringify(v) !== JSON.stringify(initial) || (password !== null && password !== '');
  useUnsavedChanges(dirty, 'the provisioning settings');

  const save = async (event) => {
    event.preventDefault();
    const found = {};
    if (v.adminAccount.basedOn === 'company_name' && !(v.adminAccount.activationEmail ?? '').trim()) found['provisioning.adminAccount.activationEmail'] = 'Required when accounts are based on the company name: activation emails go to this address.';
    if (v.adminAccount.password === 'manual' && !data.passwordStored && !(password ?? '').trim()) found.password = 'Required when passwords are defined manually.';
    if (password && password.length < 8) found.password = 'Use at least 8 characters.';
    setErrors(found);
    if (Object.keys(found).length) return;
    if (v.deprovisioning.deleteTenant && !initial.deprovisioning.deleteTenant) {
      const yes = await confirm({
        title: 'Delete customers on deprovisioning?',
        message: 'When a company loses its contract or is deactivated, its customer tenant will be disabled and then deleted with all its backups. This cannot be undone.',
        confirmLabel: 'Turn on deletion',
        danger: true,
      });
      if (!yes) return;
    }
    if (v.timedDeprovisioning.delete.enabled && !initial.timedDeprovisioning.delete.enabled) {
      const yes = await confirm({
        title: `Delete customers ${v.timedDeprovisioning.delete.days} days after their contract ends?`,
        message: 'A customer tenant whose company has had no contract with a mapped service for that long will be deleted with all its backups. This cannot be undone.',
        confirmLabel: 'Turn on deletion',
        danger: true,
      });
      if (!yes) return;
    }
    setBusy(true);
    try {
      const { intervalMinutes, directoryMinutes, tenantEvents, ...provisioning } = v;
      const activationEmail = (provisioning.adminAccount.activationEmail ?? '').trim();
      await api.put(`${base}/settings/provisioning`, { ...provisioning, adminAccount: { ...provisioning.adminAccount, activationEmail: activationEmail || null } });
      if (intervalMinutes !== initial.intervalMinutes || directoryMinutes !== initial.directoryMinutes || tenantEvents !== initial.tenantEvents) {
        await api.patch(`${base}/settings/schedule`, { provisioning: { intervalMinutes }, directory: { intervalMinutes: directoryMinutes }, tenantEvents });
      }
      if (password) await api.put(`${base}/settings/provisioning/admin-password`, { password });
      toast.success('Provisioning settings saved.');
      onSaved();
    } catch (error) {
      const issues = issuesOf(error);
      setErrors(issues);
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  const err = (field) => errors[`provisioning.${field}`];

  return html`
    <form onSubmit=${save} novalidate>
      ${!integration.features.provisioning &&
      html`<div class="alert alert-info" role="note">Product mapping and provisioning is off: these settings apply once it is turned on (Integration settings).</div>`}
      <div class="settings-grid">
        <section class="card" aria-labelledby="customer-provisioning-title">
          <h2 id="customer-provisioning-title">Customer provisioning</h2>
          <p class="hint card-lead">Used when a customer tenant and its administrator account are created (map to new, automatic creation).</p>
          ${data.partners.length > 1 && html`<${NewTenantsPartner} partners=${data.partners} />`}
          <fieldset class="field">
            <legend>Create accounts based on</legend>
            <div class="choice-grid">
              ${[['primary_contact', 'Company primary contact'], ['company_name', 'Company name']].map(
                ([value, label]) => html`<label class=${`choice${v.adminAccount.basedOn === value ? ' chosen' : ''}`}>
                  <input type="radio" name="basedOn" value=${value} checked=${v.adminAccount.basedOn === value} onChange=${() => setAdmin({ basedOn: value })} /> ${label}
                </label>`,
              )}
            </div>
            <p class="hint">${v.adminAccount.basedOn === 'primary_contact' ? 'Login, email, first and last name come from the company’s primary contact.' : 'The login is the company name; first and last name stay empty.'}</p>
          </fieldset>
          ${v.adminAccount.basedOn === 'company_name' &&
          html`<${TextField}
            label="Activation email"
            name="activation-email"
            type="email"
            value=${v.adminAccount.activationEmail ?? ''}
            onInput=${(value) => setAdmin({ activationEmail: value })}
            error=${err('adminAccount.activationEmail')}
            hint="The address of every new account; activation emails go there."
            required
          />`}
          <fieldset class="field">
            <legend>How to set an account password?</legend>
            <div class="choice-grid">
              ${[['activation_email', 'Send activation email'], ['manual', 'Define manually']].map(
                ([value, label]) => html`<label class=${`choice${v.adminAccount.password === value ? ' chosen' : ''}`}>
                  <input type="radio" name="password-mode" value=${value} checked=${v.adminAccount.password === value} onChange=${() => setAdmin({ password: value })} /> ${label}
                </label>`,
              )}
            </div>
          </fieldset>
          ${v.adminAccount.password === 'manual' &&
          html`<${SecretField}
            label="Password"
            name="admin-password"
            stored=${data.passwordStored}
            value=${password}
            onChange=${setPassword}
            error=${errors.password}
            hint=${data.passwordStored ? undefined : 'Every new account gets this same password; stored encrypted, never shown back.'}
          />`}
          <fieldset class="field">
            <legend>Tenant mode</legend>
            <div class="choice-grid">
              ${[['production', 'Production'], ['trial', 'Trial']].map(
                ([value, label]) => html`<label class=${`choice${v.tenantMode === value ? ' chosen' : ''}`}>
                  <input type="radio" name="tenant-mode" value=${value} checked=${v.tenantMode === value} onChange=${() => set({ tenantMode: value })} /> ${label}
                </label>`,
              )}
            </div>
            <p class="hint">${v.tenantMode === 'production' ? 'New customer tenants are billed from the start.' : 'New customer tenants start in trial; the vendor moves them to production after a month.'}</p>
          </fieldset>
          <${Switch}
            id="auto-create"
            label="Automatically create customers"
            description="For companies with Acronis services in their contract and no customer tenant yet."
            checked=${v.automaticProvisioning}
            onChange=${(on) => set({ automaticProvisioning: on })}
          />
          <${Switch}
            id="mfa"
            label="Two-factor authentication"
            description="New customers and all their users have 2FA turned on."
            checked=${v.mfaForNewCustomers}
            onChange=${(on) => set({ mfaForNewCustomers: on })}
          />
        </section>

        <section class="card" aria-labelledby="customer-deprovisioning-title">
          <h2 id="customer-deprovisioning-title">Customer deprovisioning</h2>
          <p class="hint card-lead">When a company loses its contract or is made inactive. All off by default: nothing is taken away.</p>
          <${Switch} id="deprov-zero" label="Set offering item quotas to zero" checked=${v.deprovisioning.zeroQuotas} onChange=${(on) => setDeprov({ zeroQuotas: on })} />
          <${Switch} id="deprov-disable" label="Disable the customer" checked=${v.deprovisioning.disableTenant} onChange=${(on) => setDeprov({ disableTenant: on })} />
          <${Switch}
            id="deprov-delete"
            label="Delete the customer"
            description="Deletes the tenant with its backups. Cannot be undone."
            checked=${v.deprovisioning.deleteTenant}
            onChange=${(on) => setDeprov({ deleteTenant: on })}
          />
          ${v.deprovisioning.deleteTenant &&
          html`<div class="alert alert-warning" role="note"><strong>Warning:</strong> deprovisioned customers will be deleted, with every backup they hold.</div>`}
          <h3 class="card-subtitle">After a number of days</h3>
          <p class="hint">Counted from when no contract with a mapped service is in effect; a contract that returns cancels the countdown (shown per company in Customer mapping).</p>
          ${[
            ['disable', 'Disable the customer after', 'days without a contract'],
            ['delete', 'Delete the customer after', 'days without a contract (with its backups)'],
          ].map(
            ([step, label, unit]) => html`<div class="field inline-field">
              <${Switch} id=${`timed-${step}`} label=${label} checked=${v.timedDeprovisioning[step].enabled} onChange=${(on) => setTimed(step, { enabled: on })} />
              <input
                id=${`timed-${step}-days`}
                type="number"
                min="1"
                max="3650"
                aria-label=${`${label} (days)`}
                value=${String(v.timedDeprovisioning[step].days)}
                disabled=${!v.timedDeprovisioning[step].enabled}
                onInput=${(e) => setTimed(step, { days: Number(e.currentTarget.value) })}
              />
              <span class="hint">${unit}</span>
              ${err(`timedDeprovisioning.${step}.days`) && html`<p class="error-text">${err(`timedDeprovisioning.${step}.days`)}</p>`}
            </div>`,
          )}

          <h2 class="card-subtitle">Synchronization</h2>
          <div class="field">
            <label for="field-interval">Provisioning runs every</label>
            <select id="field-interval" value=${String(v.intervalMinutes)} onChange=${(e) => set({ intervalMinutes: Number(e.currentTarget.value) })}>
              ${[...new Set([...INTERVALS, v.intervalMinutes])].sort((a, b) => a - b).map((m) => html`<option value=${String(m)}>${minutesLabel(m)}</option>`)}
            </select>
            ${errors['schedule.provisioning.intervalMinutes'] && html`<p class="error-text">${errors['schedule.provisioning.intervalMinutes']}</p>`}
          </div>
          <div class="field">
            <label for="field-directory-interval">Companies are read every</label>
            <select id="field-directory-interval" value=${String(v.directoryMinutes)} onChange=${(e) => set({ directoryMinutes: Number(e.currentTarget.value) })}>
              ${[...new Set([...INTERVALS, v.directoryMinutes])].sort((a, b) => a - b).map((m) => html`<option value=${String(m)}>${minutesLabel(m)}</option>`)}
            </select>
          </div>
          <${Switch}
            id="field-tenant-events"
            label="Follow tenant changes in Acronis as they happen"
            description="Reads the Acronis tenant change feed, so a tenant created, renamed, disabled or deleted reaches the mapping and provisioning in seconds; off, changes wait for the next scheduled read."
            checked=${v.tenantEvents}
            onChange=${(on) => set({ tenantEvents: on })}
          />
        </section>
      </div>
      <div class="sticky-actions">
        <span class="hint" aria-live="polite">${dirty ? 'Unsaved changes' : 'Saved'}</span>
        <button type="button" disabled=${!dirty || busy} onClick=${() => { setV(initial); setPassword(data.passwordStored ? null : ''); setErrors({}); }}>Cancel</button>
        <button type="submit" class="primary" disabled=${!dirty || busy}>${busy ? 'Saving…' : 'Save provisioning settings'}</button>
      </div>
    </form>
  `;
}

/** With several partner tenants: the one new customer tenants are created under (chosen on Integration settings). */
function NewTenantsPartner({ partners }) {
  const chosen = partners.find((p) => p.newTenants) ?? partners[0];
  return html`<p class="alert alert-info new-tenants-partner" role="note">
    New customer tenants are created under partner <strong>${partnerText(chosen)}</strong>
    (${partners.length} partner tenants serve this integration; choose another under Integration settings › Partner tenants).
  </p>`;
}
