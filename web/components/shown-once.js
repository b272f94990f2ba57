// A secret the hub returns once (a generated password, an API token): shown in a dialog with a
// copy button and the warning that it cannot be shown again. The page keeps it only while open.
import { html } from 'htm/preact';
import { Dialog } from './dialog.js';
import { toast } from './toasts.js';

/** @param {{ title: string, label: string, value: string | null, note: string, onClose: () => void }} props */
export function ShownOnceDialog({ title, label, value, note, onClose }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast.success('Copied.');
    } catch {
      toast.error('The browser did not allow copying; select the text and copy it.');
    }
  };
  return html`
    <${Dialog}
      open=${value !== null}
      title=${title}
      onClose=${onClose}
      onSubmit=${onClose}
      footer=${html`<button type="button" onClick=${copy}>Copy</button><button type="submit" class="primary">Done</button>`}
    >
      <p>${note}</p>
      <div class="field">
        <label for="shown-once-value">${label}</label>
        <input id="shown-once-value" class="mono" readonly value=${value ?? ''} onFocus=${(e) => e.currentTarget.select()} />
      </div>
      <p class="hint">It is not shown again: store it in a password manager now.</p>
    <//>
  `;
}
