// The alert queue: POST /alerting/{accountId} queues a message; Gradient turns it into a PSA ticket
// for the company the account is mapped to, or fails it (no mapping, or the PSA refused). The debug
// route answers `pending` for the first `pendingReads` reads of a message, then its outcome, so a
// client has to poll (CIPP's single read right after creating would miss it).
import { isMapped } from './reconcile.ts';
import type { AlertMessage, GradientState, Organization } from './state.ts';

export function processAlert(state: GradientState, org: Organization, m: AlertMessage, nowIso: string): void {
  if (m.outcome !== 'pending') return;
  const settings = state.alerting;
  if (settings.failNext > 0) {
    settings.failNext--;
    m.outcome = 'failed';
    m.statusCode = settings.failStatusCode;
    m.errors = [...settings.failErrors];
    return;
  }
  const mapping = org.accountMaps.get(m.accountId);
  if (!isMapped(mapping)) {
    m.outcome = 'failed';
    m.statusCode = 404;
    m.errors = [mapping?.kind === 'excluded' ? `Account ${m.accountId} is excluded from the integration` : `No account map found with id: ${m.accountId}`];
    return;
  }
  const ticketId = String(70001 + org.tickets.length);
  org.tickets.push({
    id: ticketId,
    companyId: mapping.psaId,
    title: m.title,
    description: m.description,
    priority: m.priority,
    status: m.status,
    alertId: m.alertId,
    messageId: m.messageId,
    createdAt: nowIso,
  });
  m.outcome = 'success';
  m.ticketId = ticketId;
}

/** A debug read: counts it and processes the message once it has been pending long enough. */
export function readAlert(state: GradientState, org: Organization, m: AlertMessage, nowIso: string): AlertMessage {
  m.reads++;
  if (m.outcome === 'pending' && m.reads > state.alerting.pendingReads) processAlert(state, org, m, nowIso);
  return m;
}
