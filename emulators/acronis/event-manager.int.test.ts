// The Event Manager's tenant topic: topics and types, subscriptions, tenant-depth filters, offsets,
// the long-poll, one leading consumer per subscription, and faults.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TENANT_EVENT, TENANT_TOPIC } from './event-stream.ts';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('demo');
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.control('POST', '/seed', { dataset: 'demo' });
  // Long-polls answer within a moment here; the default (20 s) is for real clients.
  await h.control('PUT', '/event-manager', { max_wait_ms: 300 });
});

const ALL_TYPES = [`cti.a.p.em.event.v1.0~a.p.tenant.*`];

async function subscribe(depth: 'ALL' | 'DIRECT' | 'CURRENT', tenantId = h.emu.partnerId, extra: Record<string, unknown> = {}) {
  const subscription_id = randomUUID();
  const r = await h.events('POST', '/subscriptions', { subscription_id, topic_id: TENANT_TOPIC, types: ALL_TYPES, tenant_id: tenantId, tenant_depth: depth, session_timeout: 'PT5M', ...extra });
  expect(r.status).toBe(201);
  return subscription_id;
}

const poll = (sub: string, offset: number, consumer = '5d0805ff-fa52-4175-abb1-c10061da437d', query = '') =>
  h.events('GET', `/events?subscription_id=${sub}&consumer_id=${consumer}&offset=${offset}${query}`);

async function folderOfDemo(): Promise<{ id: string; childId: string }> {
  const folders = await h.control('GET', '/tenants?kind=folder');
  const folder = folders.body.items[0];
  const children = await h.control('GET', `/tenants?parent_id=${folder.id}`);
  return { id: folder.id, childId: children.body.items[0].id };
}

async function rename(id: string, name: string) {
  const t = await h.api('GET', `/tenants/${id}`);
  const r = await h.api('PUT', `/tenants/${id}`, { name, version: t.body.version });
  expect(r.status).toBe(200);
  return r.body;
}

describe('Event Manager: topics and subscriptions', () => {
  it('lists the tenant topic and its event types, behind the same bearer auth', async () => {
    const topics = await h.events('GET', '/topics');
    expect(topics.status).toBe(200);
    expect(topics.body.map((t: { id: string }) => t.id)).toContain(TENANT_TOPIC);
    const types = await h.events('GET', `/types?topic_id=${encodeURIComponent(TENANT_TOPIC)}`);
    expect(types.body.map((t: { id: string }) => t.id).sort()).toEqual(Object.values(TENANT_EVENT).sort());
    const anonymous = await fetch(`${h.emu.url}/api/event_manager/v1/topics`);
    expect(anonymous.status).toBe(401);
    const unknown = await h.events('GET', '/topics/offsets?topic_id=cti.a.p.em.topic.v1.0~a.p.nothing.v1.0&position=CURRENT');
    expect(unknown.status).toBe(404);
  });

  it('refuses an invalid subscription with the field named, a second one with the same id, and a tenant outside the client', async () => {
    const bad = await h.events('POST', '/subscriptions', { subscription_id: 'not-a-uuid', topic_id: TENANT_TOPIC, types: [], tenant_depth: 'SOME' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ domain: 'EventManager', code: 'invalidRequest' });
    const fields = bad.body.error.context.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['subscription_id', 'types', 'tenant_depth']));

    const id = await subscribe('ALL');
    const again = await h.events('POST', '/subscriptions', { subscription_id: id, topic_id: TENANT_TOPIC, types: ALL_TYPES, tenant_depth: 'ALL' });
    expect(again.status).toBe(409);

    const root = (await h.control('GET', '/state')).body.state.root_id as string;
    const outside = await h.events('POST', '/subscriptions', { subscription_id: randomUUID(), topic_id: TENANT_TOPIC, types: ALL_TYPES, tenant_id: root, tenant_depth: 'ALL' });
    expect(outside.status).toBe(403);
  });

  it('answers 404 for a subscription it does not know', async () => {
    const missing = randomUUID();
    expect((await poll(missing, 0)).status).toBe(404);
    const offset = await h.events('GET', `/subscriptions/offset?subscription_id=${missing}`);
    expect(offset.status).toBe(404);
    expect(offset.body.error.code).toBe('subscriptionNotFound');
  });
});

describe('Event Manager: tenant events', () => {
  it('raises created, updated, disabled, enabled and deleted for API writes, in order, with the tenant as subject', async () => {
    const sub = await subscribe('ALL');
    const created = await h.api('POST', '/tenants', { name: 'Evented Ltd', kind: 'customer', parent_id: h.emu.partnerId });
    const id = created.body.id as string;
    await rename(id, 'Evented Limited');
    let t = await h.api('PUT', `/tenants/${id}`, { enabled: false, version: 2 });
    t = await h.api('PUT', `/tenants/${id}`, { enabled: true, version: t.body.version });
    t = await h.api('PUT', `/tenants/${id}`, { enabled: false, version: t.body.version });
    expect((await h.api('DELETE', `/tenants/${id}?version=${t.body.version}`)).status).toBe(204);

    const r = await poll(sub, 0);
    expect(r.status).toBe(200);
    const types = r.body.events.map((e: { type: string }) => e.type.replace('cti.a.p.em.event.v1.0~a.p.tenant.', ''));
    expect(types).toEqual(['created.v1.0', 'updated.v1.0', 'updated.v1.0', 'disabled.v1.0', 'updated.v1.0', 'enabled.v1.0', 'updated.v1.0', 'disabled.v1.0', 'deleted.v1.0']);
    const sequences = r.body.events.map((e: { sequence: number }) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a: number, b: number) => a - b));
    expect(r.body.offset).toBe(sequences.at(-1));
    expect(r.body.events[0]).toMatchObject({ subject: id, tenant_id: id, data: { name: 'Evented Ltd' } });
    expect(r.body.events[0]).not.toHaveProperty('lineage');
    expect(r.body.events[1].data.name).toBe('Evented Limited');
    expect(Object.keys(r.body.events[0])).toEqual(expect.arrayContaining(['id', 'type', 'source', 'subject', 'tenant_id', 'time', 'sequence']));

    // Read from the returned offset: nothing new.
    const next = await poll(sub, r.body.offset);
    expect(next.status).toBe(202);
    expect(next.body).toEqual({ events: [], offset: r.body.offset });
  });

  it('raises events for control-API changes too (create, rename, disable, delete)', async () => {
    const sub = await subscribe('ALL');
    const created = await h.control('POST', '/tenants', { name: 'Console Made' });
    expect(created.status).toBe(201);
    await h.control('PATCH', `/tenants/${created.body.id}`, { name: 'Console Renamed', enabled: false });
    expect((await h.control('DELETE', `/tenants/${created.body.id}`)).status).toBe(204);
    const r = await poll(sub, 0);
    expect(r.body.events.map((e: { type: string }) => e.type)).toEqual([TENANT_EVENT.created, TENANT_EVENT.updated, TENANT_EVENT.disabled, TENANT_EVENT.deleted]);
    expect(r.body.events[1].data).toMatchObject({ name: 'Console Renamed', enabled: false });
  });

  it('honours tenant_depth: ALL sees the subtree, DIRECT the children, CURRENT the tenant itself', async () => {
    const folder = await folderOfDemo();
    const all = await subscribe('ALL');
    const direct = await subscribe('DIRECT');
    const current = await subscribe('CURRENT', folder.id);
    await rename(folder.childId, 'Grandchild Renamed'); // below the folder: a grandchild of the partner
    await rename(folder.id, 'Folder Renamed'); // a child of the partner
    const subjects = async (sub: string) => (await poll(sub, 0)).body.events.map((e: { subject: string }) => e.subject);
    expect(await subjects(all)).toEqual([folder.childId, folder.id]);
    expect(await subjects(direct)).toEqual([folder.id]);
    expect(await subjects(current)).toEqual([folder.id]);
  });

  it('delivers only the subscribed types and moves the offset past the others', async () => {
    const sub = await subscribe('ALL', h.emu.partnerId, { types: [TENANT_EVENT.disabled] });
    const id = (await h.control('POST', '/tenants', { name: 'Only Disabled' })).body.id as string;
    await h.control('PATCH', `/tenants/${id}`, { name: 'Renamed Only' });
    const quiet = await poll(sub, 0);
    expect(quiet.status).toBe(202);
    expect(quiet.body.offset).toBe((await h.control('GET', '/event-manager')).body.latest_offset);
    await h.control('PATCH', `/tenants/${id}`, { enabled: false });
    const r = await poll(sub, quiet.body.offset);
    expect(r.body.events.map((e: { type: string }) => e.type)).toEqual([TENANT_EVENT.disabled]);
  });
});

describe('Event Manager: long-poll, offsets and consumers', () => {
  it('holds the request until an event arrives', async () => {
    await h.control('PUT', '/event-manager', { max_wait_ms: 10_000 });
    const sub = await subscribe('ALL');
    const start = (await h.events('GET', `/topics/offsets?topic_id=${encodeURIComponent(TENANT_TOPIC)}&position=CURRENT`)).body.offset as number;
    let answered = false;
    const pending = poll(sub, start).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answered).toBe(false);
    await h.control('POST', '/tenants', { name: 'Wakes The Poll' });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body.events).toHaveLength(1);
    expect(r.body.events[0].data.name).toBe('Wakes The Poll');
  });

  it('answers 202 with Retry-After when nothing came within the timeout', async () => {
    await h.control('PUT', '/event-manager', { max_wait_ms: 100, retry_after_seconds: 2 });
    const sub = await subscribe('ALL');
    const r = await poll(sub, 0);
    expect(r.status).toBe(202);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.body).toEqual({ events: [], offset: 0 });
  });

  it('lets one consumer lead a subscription: another gets 429 with Retry-After while its session lasts', async () => {
    const sub = await subscribe('ALL');
    expect((await poll(sub, 0, randomUUID())).status).toBe(202);
    const other = await poll(sub, 0, randomUUID());
    expect(other.status).toBe(429);
    expect(Number(other.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('auto_commit commits the offset of each poll; without it the committed offset stays', async () => {
    const committing = await subscribe('ALL', h.emu.partnerId, { auto_commit: true });
    const manual = await subscribe('ALL');
    await h.control('POST', '/tenants', { name: 'Commit One' });
    await h.control('POST', '/tenants', { name: 'Commit Two' });
    for (const sub of [committing, manual]) {
      const r = await poll(sub, 0);
      await poll(sub, r.body.offset);
    }
    const offsetOf = async (sub: string) => (await h.events('GET', `/subscriptions/offset?subscription_id=${sub}`)).body.offset;
    expect(await offsetOf(committing)).toBe(2);
    expect(await offsetOf(manual)).toBe(0);
  });

  it('validates the poll: offset, limit and timeout', async () => {
    const sub = await subscribe('ALL');
    const consumer = randomUUID();
    expect((await h.events('GET', `/events?subscription_id=${sub}&consumer_id=${consumer}`)).body.error.code).toBe('invalidRequest');
    expect((await poll(sub, 0, consumer, '&limit=500')).status).toBe(400);
    expect((await poll(sub, 0, consumer, '&timeout=30s')).status).toBe(400);
    for (let i = 0; i < 3; i++) await h.control('POST', '/tenants', { name: `Limited ${i}` });
    const two = await poll(sub, 0, consumer, '&limit=2');
    expect(two.body.events).toHaveLength(2);
    expect((await poll(sub, two.body.offset, consumer)).body.events).toHaveLength(1);
  });

  it('takes faults from the kit: a 500 on the events route, then normal service', async () => {
    const sub = await subscribe('ALL');
    await h.control('POST', '/faults', { kind: 'status', status: 500, path: '/api/event_manager/v1/events', count: 1 });
    const faulted = await poll(sub, 0);
    expect(faulted.status).toBe(500);
    expect(faulted.body.error.code).toBe(500);
    expect((await poll(sub, 0)).status).toBe(202);
  });
});
