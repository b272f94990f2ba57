// What follows a successful write: callbacks for the entity (unless the body said skipCallback),
// and the knock-on effects on parents [INF]: an addition change fires its agreement's callbacks as
// "updated" (switchable: settings.additionsNotifyAgreement); a note bumps its ticket's lastUpdated
// and fires the ticket's callbacks as "updated".
import type { EmulatorContext } from '../kit/server.ts';
import { fire, type Deliveries } from './callbacks.ts';
import type { ResourceDef, WriteCtx } from './model.ts';
import { resource } from './resources.ts';
import type { CwState, Row } from './state.ts';
import { API_PREFIX, view } from './views.ts';
import type { Action } from './writes.ts';

export function changed(ctx: EmulatorContext<CwState>, deliveries: Deliveries, def: ResourceDef, action: Action, row: Row, w: WriteCtx, skipCallback: boolean): void {
  if (skipCallback) return;
  const state = ctx.state;
  const v = { state, base: `${ctx.url}${API_PREFIX}` };
  const emit = (d: ResourceDef, a: Action, r: Row) => fire(ctx, deliveries, { def: d, action: a, row: r, entity: view(d, r, v), actor: w.actor, actorMemberId: w.actorMemberId });
  if (def.callbackType !== undefined) emit(def, action, row);
  if (def.key === 'additions' && state.settings.additionsNotifyAgreement) {
    const agreement = state.table('agreements').rows.get(row.agreementId as number);
    if (agreement) emit(resource('agreements'), 'updated', agreement);
  }
  if (def.key === 'notes') {
    const ticket = state.table('tickets').rows.get(row.ticketId as number);
    if (ticket) {
      ticket._lastUpdated = w.nowMs;
      ticket._updatedBy = w.actor;
      emit(resource('tickets'), 'updated', ticket);
    }
  }
}
