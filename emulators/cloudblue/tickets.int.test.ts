// Tickets: lookups (types, categories per type, teams, statuses with their state, priorities),
// create, update, status changes with resolved/closed dates, notes, the external reference, and a
// technician's status change seen through the report's ModifiedDate.
import { describe, expect, it } from 'vitest';
import { API_USER, TECHNICIAN } from './datasets.ts';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

const alertTicket = (over: Record<string, unknown> = {}) => ({
  CustomerId: 1003, Subject: 'Backup failed', Description: 'Backup plan "Daily" failed on SRV1.', Type: 'Incident A', Category: 'TCB', Team: 'Support',
  ExternalReference: 'acronis-alert:7c1e0c3a-5b1f-4c59-9a57-0f3f1a2b9d11', ...over,
});

describe('lookups', () => {
  it('types, teams, priorities as [{Id, Name}]', async () => {
    const types = (await h.api('GET', '/tickets/types')).body;
    expect(types).toContainEqual({ Id: 11, Name: 'Bug' });
    expect(types).toContainEqual({ Id: 12, Name: 'Incident A' });
    expect((await h.api('GET', '/tickets/teams')).body).toEqual(expect.arrayContaining([{ Id: 21, Name: 'Support' }, { Id: 22, Name: 'Operations' }]));
    expect((await h.api('GET', '/tickets/priorities')).body.find((p: { IsDefault: boolean }) => p.IsDefault).Name).toBe('Medium');
  });

  it('categories belong to a type (the same name may exist under several)', async () => {
    const all = (await h.api('GET', '/tickets/categories')).body;
    expect(all.filter((c: { Name: string }) => c.Name === 'TCB')).toEqual([
      { Id: 101, Name: 'TCB', TypeId: 11, Type: 'Bug' },
      { Id: 103, Name: 'TCB', TypeId: 12, Type: 'Incident A' },
    ]);
    const ofType = (await h.api('GET', '/tickets/categories?typeId=12')).body;
    expect(ofType.map((c: { Name: string }) => c.Name)).toEqual(['TCB', 'Cat 3']);
    expect((await h.api('GET', '/tickets/categories?typeId=x')).status).toBe(400);
  });

  it('statuses say which are open, resolved or closed, and which is the default', async () => {
    const statuses = (await h.api('GET', '/tickets/statuses')).body as { Name: string; Kind: string; IsClosed: boolean; IsDefault: boolean }[];
    expect(statuses.find((s) => s.IsDefault)?.Name).toBe('New');
    expect(statuses.find((s) => s.Name === 'Fixed')).toMatchObject({ Kind: 'Resolved', IsClosed: true });
    expect(statuses.find((s) => s.Name === 'Closed')).toMatchObject({ Kind: 'Closed', IsClosed: true });
    expect(statuses.find((s) => s.Name === 'Reopened')).toMatchObject({ Kind: 'Open', IsClosed: false });
  });
});

describe('create', () => {
  it('by names: status New, the key user as creator, the external reference kept', async () => {
    const r = await h.api('POST', '/tickets', alertTicket());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ Id: expect.any(Number), RefNumber: expect.stringMatching(/^TCK-\d{6}$/) });
    const t = (await h.api('GET', `/tickets/${r.body.Id}`)).body;
    expect(t).toMatchObject({
      Subject: 'Backup failed', CustomerId: 1003, CustomerName: 'Tailspin Travel', Type: 'Incident A', TypeId: 12, Category: 'TCB', CategoryId: 103,
      Team: 'Support', Status: 'New', IsClosed: false, Priority: 'Medium', CreatedBy: API_USER, ResolvedDate: null, ClosedDate: null,
      ExternalReference: 'acronis-alert:7c1e0c3a-5b1f-4c59-9a57-0f3f1a2b9d11',
    });
    expect(t.CreatedDate).toBe(t.ModifiedDate);
    const found = await h.report('tickets/getticketsreport', { gridcolumns: 'Id,RefNumber', filters: [{ field: 'ExternalReference', op: 'eq', data: t.ExternalReference }] });
    expect(found.body).toEqual([{ Id: r.body.Id, RefNumber: r.body.RefNumber }]);
  });

  it('by ids, with property names in any case', async () => {
    const r = await h.api('POST', '/tickets', { customerid: 1001, subject: 'Cat 3 issue', typeid: 12, categoryid: 104, teamid: 22, priority: 'High' });
    expect(r.status).toBe(200);
    expect((await h.api('GET', `/tickets/${r.body.Id}`)).body).toMatchObject({ Type: 'Incident A', Category: 'Cat 3', Team: 'Operations', Priority: 'High' });
  });

  it('answers invalid tickets with 400 and a ModelState naming the field, creating nothing', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [alertTicket({ Subject: '' }), 'request.Subject', /required/],
      [alertTicket({ CustomerId: 424242 }), 'request.CustomerId', /does not exist/],
      [alertTicket({ Type: 'Nope' }), 'request.Type', /'Nope' does not exist/],
      [alertTicket({ Category: 'User Interface' }), 'request.Category', /of type 'Incident A'/],
      [alertTicket({ CategoryId: 101 }), 'request.CategoryId', /does not belong to type 'Incident A'/],
      [alertTicket({ Team: 99 }), 'request.Team', /does not exist/],
      [alertTicket({ Status: 'Lost' }), 'request.Status', /does not exist/],
      [alertTicket({ ExternalReference: 'x'.repeat(101) }), 'request.ExternalReference', /longer than 100/],
      [{ Subject: 'no customer', Type: 'Bug', Team: 'Support' }, 'request.CustomerId', /./],
      [alertTicket({ Team: undefined }), 'request.Team', /required/],
    ];
    for (const [body, field, message] of cases) {
      const r = await h.api('POST', '/tickets', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.Message).toBe('The request is invalid.');
      expect(r.body.ModelState[field]?.[0], JSON.stringify(r.body)).toMatch(message);
    }
    const notJson = await fetch(`${h.emu.apiUrl}/tickets?api_key=${h.emu.credentials.api_key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ Message: expect.any(String) });
    expect((await h.control('GET', '/state')).body.state.tickets).toBe(8);
  });

  it('takes a starting status (resolved dates follow it)', async () => {
    const r = await h.api('POST', '/tickets', alertTicket({ Status: 'Fixed' }));
    const t = (await h.api('GET', `/tickets/${r.body.Id}`)).body;
    expect(t).toMatchObject({ Status: 'Fixed', IsClosed: true, ResolvedDate: t.CreatedDate, ClosedDate: null });
  });
});

describe('status, update, notes', () => {
  it('status changes stamp and clear the resolved and closed dates', async () => {
    const { Id } = (await h.api('POST', '/tickets', alertTicket())).body;
    await h.control('POST', '/clock', { advance_ms: 60_000 });
    const fixed = await h.api('PUT', `/tickets/${Id}/status`, { Status: 'Fixed' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ Status: 'Fixed', IsClosed: true, ClosedDate: null });
    expect(fixed.body.ResolvedDate).toBe(fixed.body.ModifiedDate);
    expect(fixed.body.ModifiedDate > fixed.body.CreatedDate).toBe(true);
    const reopened = await h.api('PUT', `/tickets/${Id}/status`, { StatusId: 35 });
    expect(reopened.body).toMatchObject({ Status: 'Reopened', IsClosed: false, ResolvedDate: null, ClosedDate: null });
    const closed = await h.api('PUT', `/tickets/${Id}/status`, { status: 'closed' });
    expect(closed.body).toMatchObject({ Status: 'Closed', IsClosed: true });
    expect(closed.body.ClosedDate).not.toBeNull();
    expect(closed.body.ResolvedDate).not.toBeNull();
    const bad = await h.api('PUT', `/tickets/${Id}/status`, { Status: 'Gone' });
    expect(bad.status).toBe(400);
    expect((await h.api('PUT', `/tickets/${Id}/status`, {})).status).toBe(400);
    expect((await h.api('PUT', '/tickets/77777/status', { Status: 'Fixed' })).status).toBe(404);
  });

  it('a status the ticket already has changes nothing', async () => {
    const { Id } = (await h.api('POST', '/tickets', alertTicket())).body;
    const before = (await h.api('GET', `/tickets/${Id}`)).body;
    await h.control('POST', '/clock', { advance_ms: 60_000 });
    const same = await h.api('PUT', `/tickets/${Id}/status`, { Status: 'New' });
    expect(same.body.ModifiedDate).toBe(before.ModifiedDate);
  });

  it('PUT /tickets/{id} changes the given fields; a type change must bring a category of the new type', async () => {
    const { Id } = (await h.api('POST', '/tickets', alertTicket())).body;
    const team = await h.api('PUT', `/tickets/${Id}`, { Team: 'Operations', Description: 'more detail' });
    expect(team.body).toMatchObject({ Team: 'Operations', Description: 'more detail', Type: 'Incident A', Category: 'TCB' });
    const wrong = await h.api('PUT', `/tickets/${Id}`, { Type: 'Bug' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.ModelState['request.Category'][0]).toMatch(/does not belong to type 'Bug'/);
    const ok = await h.api('PUT', `/tickets/${Id}`, { Type: 'Bug', Category: 'TCB' });
    expect(ok.body).toMatchObject({ Type: 'Bug', CategoryId: 101 });
    const none = await h.api('PUT', `/tickets/${Id}`, { Type: 'Incident', Category: null });
    expect(none.body).toMatchObject({ Type: 'Incident', Category: null });
  });

  it('notes: add and list; a note moves the ticket ModifiedDate', async () => {
    const { Id } = (await h.api('POST', '/tickets', alertTicket())).body;
    const created = (await h.api('GET', `/tickets/${Id}`)).body.ModifiedDate;
    await h.control('POST', '/clock', { advance_ms: 60_000 });
    const note = await h.api('POST', `/tickets/${Id}/notes`, { Text: 'The alert was raised again (2 occurrences).', IsPublic: false });
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({ Id: expect.any(Number), TicketId: Id, Text: 'The alert was raised again (2 occurrences).', IsPublic: false, CreatedBy: API_USER });
    const list = await h.api('GET', `/tickets/${Id}/notes`);
    expect(list.body).toEqual([note.body]);
    expect((await h.api('GET', `/tickets/${Id}`)).body.ModifiedDate > created).toBe(true);
    const empty = await h.api('POST', `/tickets/${Id}/notes`, { Text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.ModelState['request.Text']).toBeDefined();
    expect((await h.api('POST', '/tickets/77777/notes', { Text: 'x' })).status).toBe(404);
    expect((await h.api('GET', '/tickets/77777/notes')).status).toBe(404);
  });

  it('a technician resolving a ticket (control API) shows up in the report after a ModifiedDate cursor', async () => {
    const { Id } = (await h.api('POST', '/tickets', alertTicket())).body;
    const cursor = (await h.api('GET', `/tickets/${Id}`)).body.ModifiedDate;
    await h.control('POST', '/clock', { advance_ms: 5 * 60_000 });
    const changed = await h.control('POST', `/tickets/${Id}/status`, { status: 'Fixed', note: 'Replaced the backup disk.' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ Status: 'Fixed', IsClosed: true });
    const since = await h.report('tickets/getticketsreport', {
      gridcolumns: 'Id,Status,ModifiedDate,ExternalReference', sortcolumn: 'ModifiedDate', filters: [{ field: 'ModifiedDate', op: 'gt', data: cursor }],
    });
    expect(since.body).toEqual([{ Id, Status: 'Fixed', ModifiedDate: changed.body.ModifiedDate, ExternalReference: alertTicket().ExternalReference }]);
    const notes = (await h.api('GET', `/tickets/${Id}/notes`)).body;
    expect(notes).toEqual([expect.objectContaining({ Text: 'Replaced the backup disk.', CreatedBy: TECHNICIAN, IsPublic: true })]);
    const inspect = await h.control('GET', `/tickets/${Id}`);
    expect(inspect.body.Notes).toHaveLength(1);
    expect((await h.control('POST', `/tickets/${Id}/status`, { status: 'Nope' })).status).toBe(400);
    expect((await h.control('POST', '/tickets/424242/status', { status: 'Fixed' })).status).toBe(404);
    const byRef = await h.control('GET', `/tickets?externalReference=${encodeURIComponent(alertTicket().ExternalReference)}`);
    expect(byRef.body.total).toBe(1);
  });
});
