// An integration's health as the hub computes it (one rule everywhere, src/domain/integration-health.ts):
// the word, how many things are wrong, and the first reason in words a person can act on.
import { html } from 'htm/preact';
import { HEALTH_LABELS } from '../targets.js';
import { StatusBadge } from './status-badge.js';

export function HealthBadge({ health, reason = true }) {
  const word = HEALTH_LABELS[health.status] ?? health.status;
  return html`<span class="health">
    <${StatusBadge} status=${health.status} label=${health.count > 0 ? `${word} · ${health.count}` : word} />
    ${reason && health.reason && html`<span class=${`health-reason ${health.status}`}>${health.reason}</span>`}
  </span>`;
}
