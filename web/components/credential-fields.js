// The credential inputs of one target, from the hub's description of it (GET /api/v1/targets).
// With `stored` (editing), every field starts as "stored" and only replaced fields are sent:
// `values[field] === null` means keep.
import { html } from 'htm/preact';
import { TextField } from './form-field.js';
import { SecretField } from './secret-field.js';

/**
 * @param {{ target: { fields: Array<{ name: string, label: string, kind: string, help?: string, optional?: boolean }> },
 *   values: Record<string, string | null>, onChange: (name: string, value: string | null) => void,
 *   errors: Record<string, string>, stored?: string[] }} props
 */
export function CredentialFields({ target, values, onChange, errors, stored = [] }) {
  return target.fields.map((field) => {
    const isStored = stored.includes(field.name);
    const id = `cred-${field.name}`;
    if (field.kind === 'secret' || isStored) {
      return html`<${SecretField}
        key=${field.name}
        label=${field.label}
        name=${id}
        stored=${isStored}
        value=${values[field.name] ?? (isStored ? null : '')}
        onChange=${(value) => onChange(field.name, value)}
        error=${errors[field.name]}
        hint=${isStored ? undefined : field.help}
      />`;
    }
    return html`<${TextField}
      key=${field.name}
      label=${field.label}
      name=${id}
      type=${field.kind === 'url' ? 'url' : 'text'}
      value=${values[field.name] ?? ''}
      onInput=${(value) => onChange(field.name, value)}
      error=${errors[field.name]}
      hint=${field.help}
      required=${field.optional !== true}
    />`;
  });
}

/** Client-side check before sending: every field of a new set, every replaced field of a stored set. */
export function credentialErrors(target, values, stored = []) {
  const errors = {};
  for (const field of target.fields) {
    const value = values[field.name];
    if (stored.includes(field.name) && (value === null || value === undefined)) continue;
    if (!String(value ?? '').trim()) {
      if (field.optional !== true) errors[field.name] = 'Required';
    }
    else if (field.kind === 'url' && !/^https?:\/\/\S+$/i.test(String(value).trim())) errors[field.name] = 'Enter an http(s) URL';
  }
  return errors;
}
