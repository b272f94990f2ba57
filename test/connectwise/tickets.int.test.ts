// Alerts → ConnectWise tickets through the shared alerts and tickets loops, on both databases: the
// ticket lands on the mapped service board with the alert type's type, subtype, status and priority
// and the hub's reference in externalXRef; a cleared alert closes it with the auto-closing status;
// a recurrence within N days reopens it, after N days raises a new ticket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PicklistEntry } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { customerTenants, startCwWorld, type CwWorld } from './harness.ts';

interface CwTicket {
  id: number;
  summary: string;
  board: { name: string };
  type?: { name: string };
  subType?: { name: string };
  status: { id: number; name: string };
  priority: { name: string };
  company: { id: number };
  externalXRef?: string;
  closedFlag: boolean;
}

describe.each(testDatabases())('ConnectWise tickets on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let world: CwWorld;
  let advancedMs = 0;
  const clock = () => new Date(Date.now() + advancedMs);
  let tenant: string;
  let ids: Record<string, string>;

  const pass = async (loop: 'alerts' | 'tickets') => (await SYNC_LOOPS[loop](await world.runtime({ clock }))).stats as Record<string, number>;
  const raise = async (type: string, resourceId: string) =>
    ((await (await fetch(`${world.acronis.url}/_emulator/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant_id: tenant, type, details: { resourceId } }) })).json()) as { id: string }).id;
  const clear = (id: string) => fetch(`${world.acronis.url}/_emulator/alerts/${id}/clear`, { method: 'POST' });
  const advanceDays = async (days: number) => {
    const ms = days * 86_400_000;
    for (const url of [world.acronis.url, world.cw.url]) await fetch(`${url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: ms }) });
    advancedMs += ms;
  };
  let before = new Set<number>();
  const allHubTickets = async (): Promise<CwTicket[]> => ((await world.control('GET', '/entities/tickets?limit=1000')).items as CwTicket[]).filter((t) => (t.externalXRef ?? '').startsWith('pb:'));
  /** Tickets raised in the test (the demo's own alerts got theirs in beforeEach). */
  const hubTickets = async (): Promise<CwTicket[]> => (await allHubTickets()).filter((t) => !before.has(t.id));

  beforeEach(async () => {
    advancedMs = 0;
    ({ store, cleanup } = await openTestStore(db));
    world = await startCwWorld(store);
    const rt = await world.runtime({ clock });
    tenant = customerTenants(world)[0]!.id;
    await store.repos.mappings.upsertCompanies(world.integrationId, [{ companyId: '250', companyName: 'Green Torch, Inc.' }]);
    await store.repos.mappings.map(world.integrationId, '250', { tenantId: tenant });
    const lists = await rt.target.tickets!.picklists();
    const find = (field: string, label: string, parent?: string) =>
      (lists[field] as PicklistEntry[]).find((e) => e.label === label && (parent === undefined || e.parent === parent || (Array.isArray(e.parent) && e.parent.includes(parent))))!.value;
    const board = find('board', 'Help Desk');
    const type = find('type', 'Break-fix', board);
    ids = {
      board,
      type,
      subtype: find('subtype', 'Backup', type),
      status: find('status', 'New', board),
      inProgress: find('status', 'In Progress', board),
      completed: find('status', 'Completed', board),
      priority: find('priority', 'Priority 2 - Quick Response'),
    };
    await store.repos.settings.set(world.integrationId, 'tickets', {
      enabled: true,
      recurrence: { mode: 'reopen_within_days', days: 7 },
      reopenStatus: ids.inProgress,
      autoClose: { enabled: true, status: ids.completed },
      clearAlert: { enabled: false, statuses: [] },
      notes: { windowMinutes: 1, maxPerCycle: 10 },
    });
    await store.repos.settings.set(world.integrationId, 'alert-mappings', {
      defaults: { board: ids.board },
      types: { BackupFailed: { enabled: true, fields: { type: ids.type, subtype: ids.subtype, status: ids.status, priority: ids.priority } } },
    });
    await pass('alerts');
    before = new Set((await allHubTickets()).map((t) => t.id));
  });
  afterEach(async () => {
    await world.close();
    await cleanup();
  });

  it('raises the ticket on the mapped board with type, subtype, status and priority, the reference in externalXRef', async () => {
    await raise('BackupFailed', 'VM-1');
    expect((await pass('alerts')).created).toBe(1);
    const [ticket] = await hubTickets();
    expect(ticket).toMatchObject({ board: { name: 'Help Desk' }, type: { name: 'Break-fix' }, subType: { name: 'Backup' }, status: { name: 'New' }, priority: { name: 'Priority 2 - Quick Response' }, company: { id: 250 }, closedFlag: false });
    expect(ticket!.externalXRef).toMatch(/^pb:[0-9a-f]{16}:1:BackupFailed$/);
    // A second pass changes nothing (the reference finds the ticket).
    expect((await pass('alerts')).created ?? 0).toBe(0);
    expect(await hubTickets()).toHaveLength(1);
    expect((await pass('tickets')).failed).toBe(0);
  });

  it('clear → auto-closing status; recurrence within N days → reopened; after N days → a new ticket', async () => {
    const first = await raise('BackupFailed', 'VM-9');
    await pass('alerts');
    await clear(first);
    expect((await pass('alerts')).closed).toBe(1);
    let [ticket] = await hubTickets();
    expect(ticket).toMatchObject({ status: { name: 'Completed' }, closedFlag: true });

    await advanceDays(2);
    const second = await raise('BackupFailed', 'VM-9');
    expect((await pass('alerts')).reopened).toBe(1);
    [ticket] = await hubTickets();
    expect(ticket).toMatchObject({ status: { name: 'In Progress' }, closedFlag: false });

    await clear(second);
    await pass('alerts');
    await advanceDays(8);
    await raise('BackupFailed', 'VM-9');
    expect((await pass('alerts')).created).toBe(1);
    const tickets = await hubTickets();
    expect(tickets).toHaveLength(2);
    expect(tickets.map((t) => t.externalXRef!.split(':')[2]).sort()).toEqual(['1', '2']);
  });
});
