// An on/off switch (role="switch"): Space or Enter toggles it, screen readers hear on/off.
import { html } from 'htm/preact';

/** @param {{ label: string, checked: boolean, onChange: (checked: boolean) => void, description?: string, disabled?: boolean, id: string }} props */
export function Switch({ label, checked, onChange, description, disabled = false, id }) {
  return html`
    <div class="switch-row">
      <div class="switch-text">
        <span class="switch-label" id=${`${id}-label`}>${label}</span>
        ${description && html`<span class="hint" id=${`${id}-description`}>${description}</span>`}
      </div>
      <button
        type="button"
        id=${id}
        role="switch"
        class="switch"
        aria-checked=${checked ? 'true' : 'false'}
        aria-labelledby=${`${id}-label`}
        aria-describedby=${description ? `${id}-description` : undefined}
        disabled=${disabled}
        onClick=${() => onChange(!checked)}
      >
        <span class="switch-thumb" aria-hidden="true"></span>
        <span class="switch-state" aria-hidden="true">${checked ? 'On' : 'Off'}</span>
      </button>
    </div>
  `;
}
