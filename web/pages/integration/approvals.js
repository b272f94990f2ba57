// "Waiting for approval": the changes that would take service from a customer (a quota below what is
// in use, an item in use turned off, a tenant disabled or deleted), held by the provisioning plan
// until a person approves them (GET/POST /integrations/:id/approvals). Each says what would happen
// ("Workstations 60 → 0, 55 in use"); approve one change, a company's changes or all of them; the
// approved changes are applied at once (run: true) and the toast says what the pass did.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { confirm } from '../../components/dialog.js';
import { toast } from '../../components/toasts.js';
import { Time } from '../../format.js';
import { useResource } from '../../use-resource.js';

function groupByCompany(waiting) {
  const groups = new Map();
  for (const change of waiting) {
    const key = change.company.id;
    if (!groups.has(key)) groups.set(key, { company: change.company, changes: [] });
    groups.get(key).changes.push(change);
  }
  return [...groups.values()].sort((a, b) => (a.company.name ?? a.company.id).localeCompare(b.company.name ?? b.company.id));
}

export function ApprovalsSection({ base, generation, companyWord = 'company', onApproved }) {
  const approvals = useResource(() => api.get(`${base}/approvals`), [base, generation]);
  const [busy, setBusy] = useState(false);
  const waiting = approvals.data?.waiting ?? [];
  if (approvals.error) return html`<div class="alert alert-error" role="alert">The changes waiting for approval could not be read: ${approvals.error}</div>`;
  if (waiting.length === 0) return null;
  const groups = groupByCompany(waiting);

  const approve = async (body, what, count) => {
    const yes = await confirm({
      title: 'Approve taking service from the customer?',
      message: `${what}. ${count === 1 ? 'This change takes' : `These ${count} changes take`} service below what is in use; provisioning applies ${count === 1 ? 'it' : 'them'} now.`,
      confirmLabel: count === 1 ? 'Approve the change' : `Approve ${count} changes`,
      danger: true,
    });
    if (!yes) return;
    setBusy(true);
    try {
      const result = await api.post(`${base}/approvals`, { ...body, run: true });
      const n = result.approved.length;
      const ran = result.run;
      const said = `${n} change${n === 1 ? '' : 's'} approved`;
      if (ran && ran.verdict.status === 'failed') toast.error(`${said}, but the provisioning pass failed: ${ran.verdict.reason ?? ran.error ?? 'no reason recorded'}`);
      else if (ran && ran.verdict.status === 'degraded') toast.error(`${said}; the provisioning pass ran with problems: ${ran.verdict.reason}`);
      else toast.success(`${n} change${n === 1 ? '' : 's'} approved${ran ? ' and applied by a provisioning pass' : '; the next provisioning pass applies them'}.`);
      await approvals.reload();
      onApproved?.();
    } catch (error) {
      toast.error(error);
      approvals.reload();
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="card approvals" aria-labelledby="approvals-title">
    <div class="section-header">
      <h2 id="approvals-title">Waiting for approval · ${waiting.length}</h2>
      <button type="button" class="danger" disabled=${busy} onClick=${() => approve({ all: true }, `Approve all ${waiting.length} changes of ${groups.length} ${groups.length === 1 ? companyWord : `${companyWord}s`}`, waiting.length)}>
        Approve all ${waiting.length}
      </button>
    </div>
    <p class="hint">These changes would take service from a customer below what it uses. Nothing is changed until a person approves them.</p>
    <ul class="approval-groups">
      ${groups.map(
        (g) => html`<li class="approval-group">
          <div class="approval-company">
            <a href=${`${base}/customers/${encodeURIComponent(g.company.id)}`}><strong>${g.company.name ?? g.company.id}</strong></a>
            ${g.changes.length > 1 &&
            html`<button type="button" disabled=${busy} onClick=${() => approve({ companyId: g.company.id }, `Approve the ${g.changes.length} changes of "${g.company.name}"`, g.changes.length)}>
              Approve all for ${g.company.name ?? g.company.id}
            </button>`}
          </div>
          <ul aria-label=${`Changes waiting for ${g.company.name ?? g.company.id}`}>
            ${g.changes.map(
              (c) => html`<li class="approval-change">
                <span>${c.description}</span>
                <span class="hint">since <${Time} iso=${c.since} /></span>
                <button type="button" disabled=${busy} aria-label=${`Approve ${c.description} for ${g.company.name ?? g.company.id}`} onClick=${() => approve({ changeKeys: [c.changeKey] }, `"${g.company.name}": ${c.description}`, 1)}>Approve</button>
              </li>`,
            )}
          </ul>
        </li>`,
      )}
    </ul>
  </section>`;
}
