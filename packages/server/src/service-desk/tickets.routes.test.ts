import { MAX_TICKET_ATTACHMENT_BYTES } from '@tandem/contract';
import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

describe.each(ENGINES)('the tickets API on %s', (kind) => {
  let server: TestServer;
  let annId: string;
  let support: Record<string, string>;
  let sales: Record<string, string>;
  let viewer: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: writeKey,
      payload: { userId: 'ann', traits: { email: 'ann@example.com', first_name: 'Ann' } },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    annId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ann')).id;
    support = await server.tokenFor('support');
    sales = await server.tokenFor('sales');
    viewer = await server.tokenFor('viewer');
  });
  afterAll(() => server.close());
  const call = (method: Method, url: string, payload?: unknown, headers = support) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('opens a ticket, answers it with messages and sla, replies, notes and solves it', async () => {
    const created = await call('POST', '/api/v1/tickets', {
      subject: 'Cannot export',
      profileId: annId,
      priority: 'urgent',
      body: 'The CSV export fails',
      attachments: [
        {
          filename: 'err.txt',
          contentType: 'text/plain',
          contentBase64: Buffer.from('boom').toString('base64'),
        },
      ],
    });
    expect(created.statusCode).toBe(201);
    const ticket = created.json();
    expect(ticket).toMatchObject({ status: 'new', priority: 'urgent', profileId: annId, sla: null });
    expect(ticket.id).toMatch(/^tick_/);
    expect(ticket.messages).toMatchObject([
      { direction: 'inbound', from: 'ann@example.com', body: 'The CSV export fails', public: true },
    ]);
    const attachment = ticket.messages[0].attachments[0];
    const file = await call(
      'GET',
      `/api/v1/tickets/${ticket.id}/attachments/${attachment.id}`,
      undefined,
      viewer,
    );
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="err.txt"');
    expect(file.body).toBe('boom');

    const note = await call('POST', `/api/v1/tickets/${ticket.id}/replies`, {
      body: 'Check logs',
      public: false,
    });
    expect(note.statusCode).toBe(201);
    const replied = await call('POST', `/api/v1/tickets/${ticket.id}/replies`, {
      body: 'Fixed now',
      public: true,
    });
    expect(replied.json().status).toBe('open');
    const solved = await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' });
    expect(solved.statusCode).toBe(200);
    const read = await call('GET', `/api/v1/tickets/${ticket.id}`, undefined, viewer);
    expect(read.json()).toMatchObject({ status: 'solved', sla: null });
    expect(
      read.json().messages.map((m: { public: boolean; direction: string }) => [m.direction, m.public]),
    ).toEqual([
      ['inbound', true],
      ['outbound', false],
      ['outbound', true],
    ]);

    await server.engine.pipeline.catchUp();
    const timeline = await call(
      'GET',
      `/api/v1/profiles/${annId}/events?event=Ticket%20Solved`,
      undefined,
      viewer,
    );
    expect(timeline.json().data[0].properties).toMatchObject({
      ticketId: ticket.id,
      ticketNumber: ticket.number,
    });

    const listed = await call('GET', `/api/v1/tickets?status=solved&profileId=${annId}`, undefined, viewer);
    expect(listed.json()).toMatchObject({ data: [{ id: ticket.id, sla: null }], nextCursor: null });
  });

  it('refuses bad input with the field named, and writes only with tickets:write', async () => {
    const missing = await call('POST', '/api/v1/tickets', { subject: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().error)).toContain('profileId');
    const badPriority = await call('POST', '/api/v1/tickets', {
      subject: 'x',
      profileId: annId,
      priority: 'asap',
    });
    expect(badPriority.statusCode).toBe(400);
    expect(JSON.stringify(badPriority.json().error)).toContain('priority');
    const unknown = await call('POST', '/api/v1/tickets', { subject: 'x', profileId: 'prof_nobody' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toContain('profileId');
    const badStatus = await call('GET', '/api/v1/tickets?status=open,later', undefined, viewer);
    expect(badStatus.statusCode).toBe(400);
    const tooBig = await call('POST', '/api/v1/tickets', {
      subject: 'big',
      profileId: annId,
      body: 'see file',
      attachments: [
        {
          filename: 'big.bin',
          contentBase64: Buffer.alloc(MAX_TICKET_ATTACHMENT_BYTES + 1).toString('base64'),
        },
      ],
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.message).toContain('big.bin');
    expect((await call('GET', '/api/v1/tickets/tick_nope', undefined, viewer)).statusCode).toBe(404);

    expect(
      (await call('POST', '/api/v1/tickets', { subject: 'x', profileId: annId }, viewer)).statusCode,
    ).toBe(403);
    expect(
      (await call('POST', '/api/v1/tickets', { subject: 'x', profileId: annId }, sales)).statusCode,
    ).toBe(403);
    expect((await call('GET', '/api/v1/tickets', undefined, sales)).statusCode).toBe(200);
  });

  it('merges, bulk-changes, links deals, fills canned replies and reports', async () => {
    const open = async (subject: string) =>
      (await call('POST', '/api/v1/tickets', { subject, email: 'ann@example.com', body: subject })).json();
    const keep = await open('Login broken');
    const dup = await open('Login still broken');
    const merged = await call('POST', `/api/v1/tickets/${keep.id}/merge`, { ticketIds: [dup.id] });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().messages.filter((m: { public: boolean }) => m.public)).toHaveLength(2);
    expect((await call('GET', `/api/v1/tickets/${dup.id}`)).json()).toMatchObject({
      status: 'closed',
      mergedInto: keep.id,
    });

    const bulk = await call('POST', '/api/v1/tickets/bulk', {
      ticketIds: [keep.id],
      status: 'pending',
      addTags: ['login'],
    });
    expect(bulk.json()).toEqual({ updated: 1, ticketIds: [keep.id] });
    const tagged = await call('GET', '/api/v1/tickets?tag=login&status=pending');
    expect(tagged.json().data.map((t: { id: string }) => t.id)).toEqual([keep.id]);

    const pipelines = await call('GET', '/api/v1/pipelines', undefined, sales);
    const deal = await call(
      'POST',
      '/api/v1/deals',
      {
        name: 'Renewal',
        amount: 10,
        currency: 'EUR',
        pipelineId: pipelines.json().data[0].id,
        profileIds: [annId],
      },
      sales,
    );
    const linked = await call('PUT', `/api/v1/tickets/${keep.id}/deals`, { dealIds: [deal.json().id] });
    expect(linked.json().dealIds).toEqual([deal.json().id]);
    const badDeal = await call('PUT', `/api/v1/tickets/${keep.id}/deals`, { dealIds: ['deal_nope'] });
    expect(badDeal.statusCode).toBe(422);
    expect(badDeal.json().error.details[0].path).toBe('dealIds.0');

    const canned = await call('POST', '/api/v1/canned-replies', {
      name: 'Greeting',
      body: 'Hello {{ person.first_name }}, about #{{ ticket.number }}',
    });
    expect(canned.statusCode).toBe(201);
    const rendered = await call('GET', `/api/v1/tickets/${keep.id}/canned-replies/${canned.json().id}`);
    expect(rendered.json()).toEqual({ body: `Hello Ann, about #${keep.number}` });
    const renamed = await call('PATCH', `/api/v1/canned-replies/${canned.json().id}`, { name: 'Hi' });
    expect(renamed.json().name).toBe('Hi');
    expect((await call('GET', '/api/v1/canned-replies', undefined, viewer)).json().data).toHaveLength(1);
    expect((await call('DELETE', `/api/v1/canned-replies/${canned.json().id}`)).statusCode).toBe(204);

    const report = await call('GET', '/api/v1/ticket-reports', undefined, viewer);
    expect(report.statusCode).toBe(200);
    expect(report.json().totals.tickets).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/api/v1/ticket-reports?from=March', undefined, viewer)).statusCode).toBe(400);
  });

  it('carries the SLA clock of a ticket an SLA policy applies to, in the ticket and the inbox', async () => {
    const owner = server.owner;
    const policy = await call(
      'POST',
      '/api/v1/sla-policies',
      { name: 'Urgent first response', targets: { urgent: { firstResponse: 30 } } },
      owner,
    );
    expect(policy.statusCode).toBe(201);
    const ticket = (
      await call('POST', '/api/v1/tickets', {
        subject: 'Down!',
        profileId: annId,
        priority: 'urgent',
        body: 'All down',
      })
    ).json();
    expect(ticket.sla).toMatchObject({ policyId: policy.json().id, breached: [] });
    const due = Date.parse(ticket.sla.firstResponseDueAt) - Date.parse(ticket.createdAt);
    expect(due).toBe(30 * 60_000);
    const listed = await call('GET', `/api/v1/tickets?status=new&priority=urgent`, undefined, viewer);
    expect(listed.json().data.find((t: { id: string }) => t.id === ticket.id).sla.policyId).toBe(
      policy.json().id,
    );
    // The first public reply meets the first-response target: nothing is breached.
    const replied = (await call('POST', `/api/v1/tickets/${ticket.id}/replies`, { body: 'Looking' })).json();
    expect(replied.sla).toMatchObject({ policyId: policy.json().id, breached: [] });
    // A priority the policy sets no target for has no due time.
    const low = (
      await call('POST', '/api/v1/tickets', { subject: 'Later', profileId: annId, priority: 'low' })
    ).json();
    expect(low.sla?.firstResponseDueAt ?? null).toBeNull();
  });

  it('keeps each workspace’s tickets to itself', async () => {
    const created = (await call('POST', '/api/v1/tickets', { subject: 'Mine', profileId: annId })).json();
    const elsewhere = await createWorkspace(server.engine.store, 'Other');
    const stranger = await server.tokenFor('owner', elsewhere.id);
    expect((await call('GET', `/api/v1/tickets/${created.id}`, undefined, stranger)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/tickets', undefined, stranger)).json().data).toEqual([]);
  });
});
