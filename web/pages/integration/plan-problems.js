// The problems a dry run would leave open, apart from its changes: per problem the company (linked to
// its customer page), its partner tenant when the integration serves several, the service it is about, what is wrong and what to do.
import { html } from 'htm/preact';
import { partnerText } from '../../components/partner-column.js';
import { StatusBadge } from '../../components/status-badge.js';

const SEVERITY = { error: ['failed', 'Error'], warning: ['degraded', 'Warning'], info: ['cancelled', 'Note'] };

export function PlanProblems({ problems, total, base }) {
  return html`<div class="plan-problems">
    <h3 class="card-subtitle">Problems${total > problems.length ? ` (first ${problems.length} of ${total})` : ''}</h3>
    <ul class="problem-list" aria-label="Problems the next sync would leave open">
      ${problems.map((p) => {
        const [tone, word] = SEVERITY[p.severity] ?? ['cancelled', p.severity];
        const company = p.companyName ?? p.companyId ?? 'Integration';
        return html`<li>
          <${StatusBadge} status=${tone} label=${word} />
          <strong class="plan-company">${base && p.companyId ? html`<a href=${`${base}/customers/${encodeURIComponent(p.companyId)}`}>${company}</a>` : company}</strong>
          ${p.partner && html`<span class="problem-partner"> · partner ${partnerText(p.partner)}</span>`}
          ${p.service && html`<span class="problem-service"> · ${p.service}</span>`}
          <span>: ${p.message}</span>
          ${p.advice && html`<span class="hint problem-advice"> What to do: ${p.advice}</span>`}
        </li>`;
      })}
    </ul>
  </div>`;
}
