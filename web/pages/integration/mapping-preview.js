// What mapping a company to an existing tenant would do, before it is saved
// (POST /integrations/:id/mappings/preview): every change of the next provisioning pass for the pair,
// with what is in use, and the ones that take service from the customer marked. Changes nothing.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../../api.js';
import { ErrorState, Loading } from '../../components/page-state.js';
import { useResource } from '../../use-resource.js';

/** `onPreview(preview | null)` tells the owner what was found (its `reductions` decide whether to ask). */
export function MappingPreview({ base, companyId, tenantId, onPreview }) {
  const preview = useResource(() => api.post(`${base}/mappings/preview`, { companyId, tenantId }), [base, companyId, tenantId]);
  useEffect(() => onPreview(preview.data ?? null), [preview.data]);
  if (preview.error) return html`<${ErrorState} message=${`What this mapping would do could not be read: ${preview.error}`} onRetry=${preview.reload} />`;
  if (!preview.data || preview.loading) return html`<${Loading} label="Reading what this mapping would do…" />`;
  const p = preview.data;
  const reduces = p.reductions > 0;
  return html`<section class=${`mapping-preview ${reduces ? 'alert alert-warning' : 'alert alert-info'}`} aria-label="What this mapping will do">
    <p role=${reduces ? 'alert' : undefined}><strong>${p.summary}</strong></p>
    ${p.changes.length > 0 &&
    html`<ul class="preview-changes">
      ${p.changes.map((c) => html`<li class=${c.reduces ? 'reduces' : ''}>${c.reduces ? html`<strong>Takes service:</strong> ` : ''}${c.description}</li>`)}
    </ul>`}
    ${p.problems.length > 0 && html`<ul class="preview-problems">${p.problems.map((x) => html`<li>${x.severity === 'error' ? 'Error' : x.severity === 'warning' ? 'Warning' : 'Note'}: ${x.message}</li>`)}</ul>`}
  </section>`;
}
