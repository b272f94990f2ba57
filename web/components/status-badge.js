// A coloured word for a state (ok, failing, unchecked…): never colour alone, the word is there too.
import { html } from 'htm/preact';

const TONES = {
  ok: 'good', succeeded: 'good', mapped: 'good', enabled: 'good', active: 'good',
  error: 'bad', failed: 'bad', failing: 'bad',
  degraded: 'warn', warning: 'warn', suspended: 'warn',
  running: 'busy', ready: 'busy',
  unchecked: 'neutral', never_run: 'neutral', disabled: 'neutral', cancelled: 'neutral', not_mapped: 'neutral', deleted: 'neutral',
};

const WORDS = { never_run: 'never run', not_mapped: 'not mapped', ok: 'OK' };

export function StatusBadge({ status, label }) {
  return html`<span class=${`badge badge-${TONES[status] ?? 'neutral'}`}>${label ?? WORDS[status] ?? status}</span>`;
}
