// With the vendor's full alert catalogue (dozens of types), enabling one by one is a chore: the
// alerts shown by the filters are enabled together with one mapping — the ticket fields chosen once
// here (dependent fields follow their parent, as in a row) — or turned off together. Nothing is saved
// until the form is; the rows show what changed.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

export function AlertBulkEnable({ rows, fields, picklists, defaults, optionsFor, setField, onApply }) {
  const [chosen, setChosen] = useState({});
  if (rows.length === 0) return null;
  const effective = { ...defaults, ...chosen };
  const count = `${rows.length} alert${rows.length === 1 ? '' : 's'} shown`;
  return html`
    <fieldset class="card alert-bulk">
      <legend>All ${count}</legend>
      <div class="alert-bulk-fields">
        ${fields.map((f) => {
          const { options, waiting } = optionsFor(f, picklists, effective);
          return html`<label class="field">
            <span>${f.label}</span>
            <select aria-label=${`${f.label} for the ${count}`} value=${chosen[f.name] ?? ''} disabled=${waiting}
              onChange=${(e) => setChosen(setField(chosen, fields, picklists, defaults, f.name, e.currentTarget.value))}>
              <option value="">${waiting ? `Choose ${fields.find((p) => p.name === f.parent)?.label ?? f.parent} first` : defaults[f.name] !== undefined ? 'Default' : 'Keep each alert’s'}</option>
              ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
            </select>
          </label>`;
        })}
      </div>
      <div class="alert-bulk-actions">
        <button type="button" onClick=${() => onApply({ enabled: true, fields: chosen })}>Enable the ${count}</button>
        <button type="button" class="link-button" onClick=${() => onApply({ enabled: false, fields: {} })}>Turn off the ${count}</button>
      </div>
    </fieldset>
  `;
}
