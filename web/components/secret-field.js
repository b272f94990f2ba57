// A stored secret is replaceable, never shown back: the hub never returns it, so the field shows
// a mask and a "Replace" button. Replacing opens an empty password input; "Keep stored" undoes.
// For a new record (nothing stored) it is a plain password input.
import { html } from 'htm/preact';
import { useRef } from 'preact/hooks';
import { TextField } from './form-field.js';

/**
 * @param {{ label: string, name: string, stored: boolean, value: string | null,
 *   onChange: (value: string | null) => void, error?: string, hint?: string, required?: boolean }} props
 *   `value` null means "keep the stored secret".
 */
export function SecretField({ label, name, stored, value, onChange, error, hint, required = true }) {
  const wrapper = useRef(null);
  if (!stored || value !== null) {
    return html`
      <div class="secret-field" ref=${wrapper}>
        <${TextField}
          label=${label}
          name=${name}
          type="password"
          autocomplete="new-password"
          value=${value ?? ''}
          onInput=${onChange}
          error=${error}
          hint=${hint ?? (stored ? 'Type the new value; the stored one is replaced when you save' : undefined)}
          required=${required}
        />
        ${stored &&
        html`<button type="button" class="link-button" onClick=${() => onChange(null)}>Keep the stored ${label.toLowerCase()}</button>`}
      </div>
    `;
  }
  const replace = () => {
    onChange('');
    // The input replaces the mask on the next render: move focus to it for keyboard users.
    setTimeout(() => wrapper.current?.parentElement?.querySelector(`#field-${name}`)?.focus(), 0);
  };
  return html`
    <div class="field secret-stored" ref=${wrapper}>
      <span class="label" id=${`field-${name}-label`}>${label}</span>
      <div class="secret-row">
        <span class="mask" aria-label=${`${label}: stored, hidden`}>••••••••••••</span>
        <button type="button" onClick=${replace} aria-describedby=${`field-${name}-label`}>Replace</button>
      </div>
      ${hint && html`<p class="hint">${hint}</p>`}
    </div>
  `;
}
