// A labelled input with its hint and validation message, wired for assistive technology:
// the message is linked by aria-describedby and the input is aria-invalid while it shows.
import { html } from 'htm/preact';
import { fieldIssuesOf, issueText } from '../api.js';

let ids = 0;
const nextId = (prefix) => `${prefix}-${++ids}`;

/**
 * @param {{ label: string, name: string, value: string, onInput: (value: string) => void,
 *   type?: string, error?: string, hint?: string, required?: boolean, autocomplete?: string,
 *   placeholder?: string, id?: string, disabled?: boolean }} props
 */
export function TextField({ label, name, value, onInput, type = 'text', error, hint, required = false, autocomplete, placeholder, id, disabled }) {
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return html`
    <div class=${`field${error ? ' field-invalid' : ''}`}>
      <label for=${inputId}>${label}${required && html`<span class="required" aria-hidden="true"> *</span>`}</label>
      <input
        id=${inputId}
        name=${name}
        type=${type}
        value=${value}
        required=${required}
        disabled=${disabled}
        autocomplete=${autocomplete ?? 'off'}
        placeholder=${placeholder}
        spellcheck=${false}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${[hintId, errorId].filter(Boolean).join(' ') || undefined}
        onInput=${(event) => onInput(event.currentTarget.value)}
      />
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
      ${error && html`<p class="error-text" id=${errorId}>${error}</p>`}
    </div>
  `;
}

/** @param {{ label: string, name: string, value: string, onChange: (value: string) => void, options: Array<{value: string, label: string}>, error?: string, hint?: string, required?: boolean }} props */
export function SelectField({ label, name, value, onChange, options, error, hint, required = false, placeholder }) {
  const inputId = `field-${name}`;
  const describedBy = [hint && `${inputId}-hint`, error && `${inputId}-error`].filter(Boolean).join(' ') || undefined;
  return html`
    <div class=${`field${error ? ' field-invalid' : ''}`}>
      <label for=${inputId}>${label}${required && html`<span class="required" aria-hidden="true"> *</span>`}</label>
      <select id=${inputId} name=${name} value=${value} required=${required} aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy} onChange=${(event) => onChange(event.currentTarget.value)}>
        ${placeholder !== undefined && html`<option value="">${placeholder}</option>`}
        ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
      </select>
      ${hint && html`<p class="hint" id=${`${inputId}-hint`}>${hint}</p>`}
      ${error && html`<p class="error-text" id=${`${inputId}-error`}>${error}</p>`}
    </div>
  `;
}

/** Required-field checks shared by the forms: returns { field: message } for the empty ones. */
export function requireFields(values, names) {
  const errors = {};
  for (const name of names) if (!String(values[name] ?? '').trim()) errors[name] = 'Required';
  return errors;
}

/** Maps an API validation error ("body.clientId: is required; …") onto the form's fields. */
export function fieldErrorsFrom(error, prefix = 'body.') {
  const errors = {};
  for (const issue of fieldIssuesOf(error)) {
    const field = issue.field.replace(/^body\./, '').split('.').pop();
    if (field) errors[field] = issueText(issue);
  }
  // An error without field details may still name its fields in the message.
  if (Object.keys(errors).length === 0 && typeof error?.message === 'string') {
    for (const part of error.message.split('; ')) {
      const found = /^([\w.]+): (.*)$/.exec(part);
      if (found && found[1].startsWith(prefix)) errors[found[1].split('.').pop()] = found[2];
    }
  }
  return errors;
}

export { nextId };
