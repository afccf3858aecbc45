import type { TicketSla } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmAuditOf } from '../../crm/index.js';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import type { PublicReply, TicketTimeline } from './index.js';

describe.each(ENGINES)('service desk tickets on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** A workspace with one person (ann, with an email) and one agent (a real member). */
  async function desk() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        {
          type: 'identify',
          userId: 'ann',
          traits: { email: 'ann@example.com', first_name: 'Ann', plan: 'pro' },
          messageId: 'identify-ann',
        },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    const annId = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    const agent = await engine.access.accounts.ensureUser({
      email: `agent-${Math.random()}@example.com`,
      password: 'a long enough password for tests',
    });
    await engine.access.members.add(workspaceId, agent.id, 'support');
    return { workspaceId, annId, agentId: agent.id };
  }

  async function eventsOf(workspaceId: string, profileId: string) {
    await engine.pipeline.catchUp();
    const page = await engine.profiles.timeline(workspaceId, profileId, { limit: 100 });
    return page.data
      .filter((e) => e.event?.startsWith('Ticket'))
      .map((e) => ({ event: e.event, properties: e.properties }));
  }

  it('numbers tickets per workspace, runs the conversation and puts each step on the requester’s log', async () => {
    const { workspaceId, annId, agentId } = await desk();
    const first = await engine.tickets.create(
      workspaceId,
      { subject: 'Cannot log in', profileId: annId, priority: 'high', body: 'Help!' },
      null,
    );
    const second = await engine.tickets.create(
      workspaceId,
      { subject: 'Invoice', profileId: annId, priority: 'normal' },
      null,
    );
    expect([first.number, second.number]).toEqual([1, 2]);
    expect(first).toMatchObject({ status: 'new', requesterEmail: 'ann@example.com', priority: 'high' });
    expect(first.messages).toMatchObject([{ direction: 'inbound', public: true, body: 'Help!' }]);

    await engine.tickets.reply(
      workspaceId,
      first.id,
      { body: 'Internal: check SSO', public: false },
      agentId,
    );
    const replied = await engine.tickets.reply(
      workspaceId,
      first.id,
      { body: 'Try resetting your password', public: true },
      agentId,
    );
    expect(replied.status).toBe('open');
    expect(replied.firstResponseAt).not.toBeNull();
    expect(replied.messages.map((m) => [m.direction, m.public])).toEqual([
      ['inbound', true],
      ['outbound', false],
      ['outbound', true],
    ]);
    const solved = await engine.tickets.update(workspaceId, first.id, { status: 'solved' }, agentId);
    expect(solved.solvedAt).not.toBeNull();

    const events = await eventsOf(workspaceId, annId);
    const names = events.map((e) => e.event);
    expect(names).toContain('Ticket Opened');
    expect(names.filter((n) => n === 'Ticket Replied')).toHaveLength(1); // the note is not a reply
    expect(names).toContain('Ticket Solved');
    expect(
      events.find((e) => e.event === 'Ticket Status Changed' && e.properties.toStatus === 'solved')
        ?.properties,
    ).toMatchObject({ ticketId: first.id, fromStatus: 'open' });
    const trail = await crmAuditOf(engine.store.db, {
      workspaceId,
      entityType: 'ticket',
      entityId: first.id,
    });
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'note', 'reply', 'update']));
  });

  it('gives tickets opened at the same time distinct numbers, one after another', async () => {
    const { workspaceId, annId } = await desk();
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        engine.tickets.create(
          workspaceId,
          { subject: `Rush ${n}`, profileId: annId, priority: 'normal' },
          null,
        ),
      ),
    );
    expect(opened.map((t) => t.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, n) => n + 1),
    );
    // Another workspace counts from 1 again.
    const other = await desk();
    const first = await engine.tickets.create(
      other.workspaceId,
      { subject: 'First', profileId: other.annId, priority: 'low' },
      null,
    );
    expect(first.number).toBe(1);
  });

  it('finds or creates the requester by email and assigns by the team’s round robin, skipping agents at capacity', async () => {
    const { workspaceId, annId } = await desk();
    const team = await engine.teams.create(
      workspaceId,
      { name: 'Support', members: [{ userId: 'usr_a', capacity: 1 }, { userId: 'usr_b' }] },
      null,
    );
    const known = await engine.tickets.create(
      workspaceId,
      { subject: 'A', email: 'ANN@example.com', priority: 'normal', teamId: team.id },
      null,
    );
    expect(known.profileId).toBe(annId);
    const fresh = await engine.tickets.create(
      workspaceId,
      { subject: 'B', email: 'bob@example.com', name: 'Bob', priority: 'low', teamId: team.id },
      null,
    );
    expect(fresh.profileId).not.toBe(annId);
    expect((await engine.profiles.lookup(workspaceId, 'email', 'bob@example.com')).id).toBe(fresh.profileId);
    const third = await engine.tickets.create(
      workspaceId,
      { subject: 'C', profileId: annId, priority: 'low', teamId: team.id },
      null,
    );
    // usr_a holds one open ticket, their cap: the turn passes to usr_b.
    expect([known.assigneeId, fresh.assigneeId, third.assigneeId]).toEqual(['usr_a', 'usr_b', 'usr_b']);
    expect((await eventsOf(workspaceId, annId)).some((e) => e.event === 'Ticket Assigned')).toBe(true);
  });

  it('assigns by the team’s rules first, and moving a ticket to a team assigns it there', async () => {
    const { workspaceId, annId } = await desk();
    const vip = await engine.teams.create(
      workspaceId,
      {
        name: 'VIP',
        strategy: 'rule',
        members: [{ userId: 'usr_rr' }],
        rules: [{ when: 'emailDomain', equals: 'example.com', userId: 'usr_rule' }],
      },
      null,
    );
    const ruled = await engine.tickets.create(
      workspaceId,
      { subject: 'A', profileId: annId, priority: 'normal', teamId: vip.id },
      null,
    );
    expect(ruled.assigneeId).toBe('usr_rule');
    const other = await engine.teams.create(
      workspaceId,
      { name: 'Tier 2', members: [{ userId: 'usr_t2' }] },
      null,
    );
    const moved = await engine.tickets.update(workspaceId, ruled.id, { teamId: other.id }, null);
    expect(moved).toMatchObject({ teamId: other.id, assigneeId: 'usr_t2' });
    const assigned = (await eventsOf(workspaceId, annId)).filter((e) => e.event === 'Ticket Assigned');
    expect(assigned.map((e) => e.properties.reason).sort()).toEqual(['round_robin', 'rule']);
  });

  it('keeps a requester’s tickets with them when their profile merges into another', async () => {
    const { workspaceId, annId } = await desk();
    const source = await engine.sources.create(workspaceId, { name: 'app' });
    const send = async (call: Record<string, unknown>) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [call],
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    await send({
      type: 'identify',
      anonymousId: 'visitor-1',
      traits: { plan: 'trial' },
      messageId: 'v1',
    });
    const visitorId = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'visitor-1')).id;
    expect(visitorId).not.toBe(annId);
    const opened = async (profileId: string, subject: string) =>
      (await engine.tickets.create(workspaceId, { subject, profileId, priority: 'low' }, null)).id;
    const visitorTicket = await opened(visitorId, 'Before I signed in');
    const annTicket = await opened(annId, 'Signed in');
    // Ann signs in on that browser: the visitor's profile and hers become one.
    await send({ type: 'identify', userId: 'ann', anonymousId: 'visitor-1', messageId: 'v2' });
    const survivor = await engine.identity.resolveProfileId(workspaceId, visitorId);
    expect(await engine.identity.resolveProfileId(workspaceId, annId)).toBe(survivor);
    const mergedAway = survivor === annId ? visitorId : annId;
    const mergedAwayTicket = survivor === annId ? visitorTicket : annTicket;
    const theirs = await engine.tickets.list(
      workspaceId,
      { limit: 10, profileId: survivor ?? '' },
      { actorId: null },
    );
    expect(theirs.data.map((t) => t.id).sort()).toEqual([visitorTicket, annTicket].sort());
    // Listing by the merged-away id answers the same person's tickets.
    const byOldId = await engine.tickets.list(
      workspaceId,
      { limit: 10, profileId: mergedAway },
      { actorId: null },
    );
    expect(byOldId.data).toHaveLength(2);
    await engine.tickets.update(workspaceId, mergedAwayTicket, { status: 'solved' }, null);
    const solved = (await eventsOf(workspaceId, survivor ?? '')).filter((e) => e.event === 'Ticket Solved');
    expect(solved.map((e) => e.properties.ticketId)).toEqual([mergedAwayTicket]);
  });

  it('refuses an unknown requester, assignee or team with the field named', async () => {
    const { workspaceId, annId } = await desk();
    await expect(
      engine.tickets.create(workspaceId, { subject: 'x', profileId: 'prof_nobody', priority: 'low' }, null),
    ).rejects.toMatchObject({ code: 'unprocessable', message: expect.stringContaining('profileId') });
    await expect(
      engine.tickets.create(
        workspaceId,
        { subject: 'x', profileId: annId, priority: 'low', assigneeId: 'usr_x' },
        null,
      ),
    ).rejects.toMatchObject({ code: 'unprocessable', message: expect.stringContaining('assigneeId') });
    await expect(
      engine.tickets.create(
        workspaceId,
        { subject: 'x', profileId: annId, priority: 'low', teamId: 'team_x' },
        null,
      ),
    ).rejects.toMatchObject({ code: 'unprocessable', message: expect.stringContaining('teamId') });
  });

  it('lists the inbox by view and status, a page at a time, newest activity first', async () => {
    const { workspaceId, annId, agentId } = await desk();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5])
      ids.push(
        (
          await engine.tickets.create(
            workspaceId,
            { subject: `T${n}`, profileId: annId, priority: 'normal' },
            null,
          )
        ).id,
      );
    // Activity in the same millisecond as the last creation would tie, and ties go by id.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.tickets.update(
      workspaceId,
      ids[0] ?? '',
      { assigneeId: agentId, status: 'pending' },
      agentId,
    );
    const mine = await engine.tickets.list(workspaceId, { limit: 50, view: 'mine' }, { actorId: agentId });
    expect(mine.data.map((t) => t.id)).toEqual([ids[0]]);
    const unassigned = await engine.tickets.list(
      workspaceId,
      { limit: 50, view: 'unassigned' },
      { actorId: agentId },
    );
    expect(unassigned.data).toHaveLength(4);
    const pending = await engine.tickets.list(
      workspaceId,
      { limit: 50, status: 'pending,on_hold' },
      { actorId: null },
    );
    expect(pending.data.map((t) => t.id)).toEqual([ids[0]]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.tickets.list(
        workspaceId,
        { limit: 2, ...(cursor ? { cursor } : {}) },
        { actorId: null },
      );
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // The updated ticket first, then the others newest first.
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
  });

  it('merges duplicates into a survivor and changes many tickets at once', async () => {
    const { workspaceId, annId, agentId } = await desk();
    const keep = await engine.tickets.create(
      workspaceId,
      { subject: 'Login', profileId: annId, priority: 'normal', body: 'one', tags: ['sso'] },
      null,
    );
    const dup = await engine.tickets.create(
      workspaceId,
      {
        subject: 'Login again',
        profileId: annId,
        priority: 'normal',
        body: 'two',
        tags: ['urgent-customer'],
      },
      null,
    );
    const merged = await engine.tickets.merge(workspaceId, keep.id, [dup.id], agentId);
    expect(merged.messages.filter((m) => m.public).map((m) => m.body)).toEqual(['one', 'two']);
    expect(merged.tags).toEqual(['sso', 'urgent-customer']);
    const closed = await engine.tickets.get(workspaceId, dup.id);
    expect(closed).toMatchObject({ status: 'closed', mergedInto: keep.id });
    expect(closed.messages).toMatchObject([
      { public: false, body: expect.stringContaining(`#${keep.number}`) },
    ]);
    await expect(engine.tickets.merge(workspaceId, keep.id, [dup.id], agentId)).rejects.toMatchObject({
      code: 'unprocessable',
    });

    const other = await engine.tickets.create(
      workspaceId,
      { subject: 'Other', profileId: annId, priority: 'low' },
      null,
    );
    const result = await engine.tickets.bulkUpdate(
      workspaceId,
      {
        ticketIds: [keep.id, other.id],
        priority: 'urgent',
        assigneeId: agentId,
        addTags: ['vip'],
        removeTags: ['sso'],
      },
      agentId,
    );
    expect(result.updated).toBe(2);
    for (const id of [keep.id, other.id]) {
      const ticket = await engine.tickets.get(workspaceId, id);
      expect(ticket).toMatchObject({ priority: 'urgent', assigneeId: agentId });
      expect(ticket.tags).toContain('vip');
      expect(ticket.tags).not.toContain('sso');
    }
    const tagged = await engine.tickets.list(workspaceId, { limit: 10, tag: 'vip' }, { actorId: null });
    expect(tagged.data.map((t) => t.id).sort()).toEqual([keep.id, other.id].sort());
  });

  it('renders canned replies with the requester’s traits and the ticket number', async () => {
    const { workspaceId, annId, agentId } = await desk();
    const ticket = await engine.tickets.create(
      workspaceId,
      { subject: 'Hi', profileId: annId, priority: 'low' },
      null,
    );
    const canned = await engine.cannedReplies.create(
      workspaceId,
      {
        name: 'Thanks',
        body: 'Hi {{ person.first_name }}, ticket #{{ ticket.number }} on {{ traits.plan }}. {{ traits.nope | default: "ok" }}',
      },
      agentId,
    );
    const { body } = await engine.cannedReplies.render(workspaceId, canned.id, ticket.id, agentId);
    expect(body).toBe(`Hi Ann, ticket #${ticket.number} on pro. ok`);
    const conditional = await engine.cannedReplies.create(
      workspaceId,
      { name: 'Plan', body: '{% if traits.plan == "pro" %}Priority support{% else %}Support{% endif %}' },
      agentId,
    );
    expect((await engine.cannedReplies.render(workspaceId, conditional.id, ticket.id, agentId)).body).toBe(
      'Priority support',
    );
    await expect(
      engine.cannedReplies.create(workspaceId, { name: 'Broken', body: 'Hi {% if %}' }, agentId),
    ).rejects.toMatchObject({ code: 'unprocessable', details: [{ path: 'body' }] });
  });

  it('opens and continues tickets from email, and hands public replies and timelines to mail and SLA', async () => {
    const { workspaceId, agentId } = await desk();
    const sent: PublicReply[] = [];
    const tracked: TicketTimeline[] = [];
    const clock: TicketSla = {
      policyId: 'sla_1',
      firstResponseDueAt: '2030-01-01T00:00:00.000Z',
      nextResponseDueAt: null,
      resolutionDueAt: null,
      breached: [],
      pausedMs: 0,
      atRisk: true,
      explanation: [],
    };
    engine.tickets.connect({
      sla: {
        track: async (timeline) => tracked.push(timeline),
        clocksOf: async (_, ids) => new Map(ids.map((id) => [id, clock])),
        atRisk: async () => tracked.map((t) => t.ticketId).slice(0, 1),
      },
      onPublicReply: async (reply) => {
        sent.push(reply);
      },
      deliveryStatusOf: async (_, ids) => new Map(ids.map((id) => [id, { status: 'sent' as const }])),
    });
    try {
      const opened = await engine.tickets.openFromEmail({
        workspaceId,
        teamId: 'team_deleted_since',
        mailboxId: 'mbx_1',
        from: { email: 'carol@example.com', name: 'Carol' },
        cc: ['dave@example.com'],
        subject: 'Broken export',
        text: 'The export fails',
        attachments: [
          { filename: 'log.txt', contentType: 'text/plain', size: 5, content: Buffer.from('hello') },
        ],
      });
      expect(await engine.tickets.ticketByNumber(workspaceId, opened.number)).toEqual({
        ticketId: opened.ticketId,
      });
      expect(await engine.tickets.ticketByNumber(workspaceId, 999)).toBeNull();
      expect(await engine.tickets.participants(workspaceId, opened.ticketId)).toEqual(
        expect.arrayContaining(['carol@example.com', 'dave@example.com']),
      );
      const detail = await engine.tickets.get(workspaceId, opened.ticketId);
      expect(detail).toMatchObject({ channel: 'email', teamId: null, sla: { policyId: 'sla_1' } });
      const attachmentId = detail.messages[0]?.attachments[0]?.id ?? '';
      const file = await engine.tickets.attachment(workspaceId, opened.ticketId, attachmentId);
      expect(file.content.toString()).toBe('hello');

      await engine.tickets.reply(
        workspaceId,
        opened.ticketId,
        { body: 'On it', public: true, status: 'pending' },
        agentId,
      );
      expect(sent).toMatchObject([
        { to: ['carol@example.com'], cc: ['dave@example.com'], text: 'On it', number: opened.number },
      ]);
      await engine.tickets.replyFromEmail({
        workspaceId,
        ticketId: opened.ticketId,
        from: { email: 'carol@example.com' },
        text: 'Still broken',
        attachments: [],
      });
      const after = await engine.tickets.get(workspaceId, opened.ticketId);
      expect(after.status).toBe('open');
      expect(after.messages.find((m) => m.body === 'On it')?.delivery).toEqual({ status: 'sent' });
      const last = tracked.at(-1);
      expect(last?.statusChanges.map((c) => c.status)).toEqual(['new', 'pending', 'open']);
      expect(last?.publicMessages.map((m) => m.author)).toEqual(['requester', 'agent', 'requester']);
      const atRisk = await engine.tickets.list(
        workspaceId,
        { limit: 10, view: 'sla_at_risk' },
        { actorId: null },
      );
      expect(atRisk.data.map((t) => t.id)).toEqual([opened.ticketId]);
    } finally {
      engine.tickets.connect({ sla: undefined, onPublicReply: undefined, deliveryStatusOf: undefined });
    }
  });

  it('reports volume and median response times per agent', async () => {
    const { workspaceId, annId, agentId } = await desk();
    const ticket = await engine.tickets.create(
      workspaceId,
      { subject: 'R', profileId: annId, priority: 'low', assigneeId: agentId },
      null,
    );
    await engine.tickets.reply(
      workspaceId,
      ticket.id,
      { body: 'Done', public: true, status: 'solved' },
      agentId,
    );
    const report = await engine.tickets.report(workspaceId, {});
    const today = new Date().toISOString().slice(0, 10);
    expect(report.volume.find((d) => d.day === today)).toEqual({ day: today, opened: 1, solved: 1 });
    expect(report.totals).toMatchObject({ tickets: 1, solved: 1 });
    expect(report.totals.medianFirstResponseMinutes).toBeGreaterThanOrEqual(0);
    expect(report.byAgent).toMatchObject([{ assigneeId: agentId, tickets: 1, solved: 1 }]);
  });
});
