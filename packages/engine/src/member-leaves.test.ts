import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { ENGINES, openTestEngine } from './testing/index.js';
import { createWorkspace } from './workspaces/index.js';

// Someone who leaves a workspace is handed nothing new: they leave its teams and the rules naming
// them, their unsolved tickets go back to the Unassigned view, and a journey's task step naming
// them makes a task nobody owns yet. What they own (people, solved tickets) keeps them as owner,
// unless the removal names a member to take over what is still open.
describe.each(ENGINES)('someone leaving a workspace, on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  const password = 'violet kettle orbit 42';
  const user = async (name: string) =>
    (await engine.access.accounts.ensureUser({ email: `${name}-${Math.random()}@example.com`, password })).id;

  it('leaves teams and rules, and gives back unsolved tickets; solved ones keep them', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const leaver = await user('leaver');
    const stayer = await user('stayer');
    await engine.access.members.add(workspaceId, leaver, 'sales');
    await engine.access.members.add(workspaceId, stayer, 'sales');
    const team = await engine.teams.create(
      workspaceId,
      {
        name: 'AEs',
        strategy: 'rule',
        members: [{ userId: leaver }, { userId: stayer }],
        rules: [{ when: 'emailDomain', equals: 'bigcorp.com', userId: leaver }],
      },
      'usr_admin',
    );
    const ticket = (subject: string) =>
      engine.tickets.create(
        workspaceId,
        { subject, email: 'ann@example.com', priority: 'normal', assigneeId: leaver },
        null,
      );
    const open = await ticket('Locked out');
    const solved = await ticket('Invoice');
    await engine.tickets.update(workspaceId, solved.id, { status: 'solved' }, leaver);

    await engine.access.members.remove({ userId: leaver, role: 'sales' }, workspaceId, leaver);

    const after = await engine.teams.get(workspaceId, team.id);
    expect(after.members.map((m) => m.userId)).toEqual([stayer]);
    expect(after.rules).toEqual([]);
    const cfo = await engine.people.create(workspaceId, { email: 'cfo@bigcorp.com' }, 'usr_admin');
    const assigned = await engine.teams.assign(workspaceId, team.id, [cfo.profileId], null);
    expect(assigned.assignments[0]?.ownerId).toBe(stayer);
    expect((await engine.tickets.get(workspaceId, open.id)).assigneeId).toBeNull();
    expect((await engine.tickets.get(workspaceId, solved.id)).assigneeId).toBe(leaver);
  });

  it('hands exactly their open records to the member named, and says so in the audit log', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: elsewhere } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const admin = await user('admin');
    const leaver = await user('leaver');
    const taker = await user('taker');
    const stayer = await user('stayer');
    await engine.access.members.add(workspaceId, admin, 'admin');
    for (const id of [leaver, taker, stayer]) await engine.access.members.add(workspaceId, id, 'sales');
    await engine.access.members.add(elsewhere, leaver, 'sales');
    const mine = await holdingsIn(workspaceId, leaver);
    const theirs = await holdingsIn(workspaceId, stayer);
    const away = await engine.people.create(elsewhere, { email: 'away@example.com', ownerId: leaver }, null);

    const asAdmin = { userId: admin, role: 'admin' as const };
    // Refused unless another current member of this workspace is named; nobody is removed.
    const refused = (handOverTo: string) =>
      expect(
        engine.access.members.remove(asAdmin, workspaceId, leaver, { handOverTo }),
      ).rejects.toMatchObject({ code: 'unprocessable', details: [{ path: 'handOverTo' }] });
    await refused(leaver);
    await refused('usr_nobody');
    const onlyElsewhere = await user('elsewhere');
    await engine.access.members.add(elsewhere, onlyElsewhere, 'sales');
    await refused(onlyElsewhere);
    expect(await engine.access.members.roleOf(workspaceId, leaver)).toBe('sales');
    const before = await engine.memberHoldings(workspaceId, leaver);
    expect(before).toEqual({
      people: 1,
      companies: 1,
      openDeals: 1,
      openTasks: 1,
      activeEnrollments: 1,
      unsolvedTickets: 1,
    });

    await engine.access.members.remove(asAdmin, workspaceId, leaver, { handOverTo: taker });

    await expect(engine.memberHoldings(workspaceId, leaver)).rejects.toMatchObject({ code: 'not_found' });
    expect(await engine.memberHoldings(workspaceId, taker)).toEqual(before);
    // Moved: what was open; kept: what was closed, and what others and other workspaces hold.
    expect(await ownersOf(mine)).toEqual({
      person: taker,
      company: taker,
      openDeal: taker,
      wonDeal: leaver,
      openTask: taker,
      doneTask: leaver,
      openTicket: taker,
      solvedTicket: leaver,
      enrollment: taker,
    });
    expect(await ownersOf(theirs)).toEqual({
      person: stayer,
      company: stayer,
      openDeal: stayer,
      wonDeal: stayer,
      openTask: stayer,
      doneTask: stayer,
      openTicket: stayer,
      solvedTicket: stayer,
      enrollment: stayer,
    });
    expect((await engine.people.get(elsewhere, away.profileId)).ownerId).toBe(leaver);
    // The person's owner trait follows, as after an owner change by hand.
    await engine.pipeline.catchUp();
    await expect
      .poll(async () => (await engine.profiles.get(workspaceId, mine.person)).traits.crm_owner_id)
      .toBe(taker);
    await engine.auditLog.flush();
    const entries = (await engine.auditLog.list(workspaceId, { limit: 20 })).data;
    expect(entries.find((entry) => entry.method === 'HAND_OVER')).toMatchObject({
      actorKind: 'user',
      actorId: admin,
      entityIds: { userId: leaver, handOverTo: taker },
      after: { handOverTo: taker, ...before },
    });
  }, 60_000);

  it('lists who left without a hand-over still holding records, and hands those over later', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: elsewhere } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const admin = await user('admin');
    const leaver = await user('leaver');
    const taker = await user('taker');
    const stayer = await user('stayer');
    const outsider = await user('outsider');
    await engine.access.members.add(workspaceId, admin, 'admin');
    for (const id of [leaver, taker, stayer]) await engine.access.members.add(workspaceId, id, 'sales');
    await engine.access.members.add(elsewhere, leaver, 'sales');
    await engine.access.members.add(elsewhere, outsider, 'sales');
    const mine = await holdingsIn(workspaceId, leaver);
    const theirs = await holdingsIn(workspaceId, stayer);
    await engine.people.create(elsewhere, { email: 'away@example.com', ownerId: leaver }, null);
    await engine.people.create(elsewhere, { email: 'theirs@example.com', ownerId: outsider }, null);
    const asAdmin = { userId: admin, role: 'admin' as const };
    await engine.access.members.remove(asAdmin, workspaceId, leaver);
    await engine.access.members.remove({ userId: null, role: 'owner' }, elsewhere, outsider);
    // As data from before leavers' tickets went back to Unassigned, and an account deleted since.
    await engine.store.db
      .updateTable('tickets')
      .set({ assignee_id: leaver })
      .where('ticket_id', '=', mine.openTicket)
      .execute();
    const gone = await engine.companies.create(workspaceId, { name: 'Orphan', ownerId: stayer }, null);
    await engine.store.db
      .updateTable('crm_companies')
      .set({ owner_id: 'usr_deleted' })
      .where('company_id', '=', gone.id)
      .execute();

    const zero = {
      people: 0,
      companies: 0,
      openDeals: 0,
      openTasks: 0,
      activeEnrollments: 0,
      unsolvedTickets: 0,
    };
    const held = {
      ...zero,
      people: 1,
      companies: 1,
      openDeals: 1,
      openTasks: 1,
      activeEnrollments: 1,
      unsolvedTickets: 1,
    };
    const leaverEmail = (await engine.access.members.emailsOf([leaver])).get(leaver);
    expect(await engine.formerMembersHoldings(workspaceId)).toEqual([
      { userId: leaver, email: leaverEmail, holdings: held },
      { userId: 'usr_deleted', email: null, holdings: { ...zero, companies: 1 } },
    ]);
    expect((await engine.formerMembersHoldings(elsewhere)).map((former) => former.userId)).toEqual([
      outsider,
    ]);

    // A current member is removed with a hand-over instead; only a current member takes over.
    await expect(engine.handOverFormerMember(asAdmin, workspaceId, stayer, taker)).rejects.toMatchObject({
      code: 'conflict',
    });
    for (const handOverTo of [leaver, outsider, 'usr_nobody'])
      await expect(
        engine.handOverFormerMember(asAdmin, workspaceId, leaver, handOverTo),
      ).rejects.toMatchObject({ code: 'unprocessable', details: [{ path: 'handOverTo' }] });
    expect((await engine.formerMembersHoldings(workspaceId))[0]?.holdings).toEqual(held);
    await expect(
      engine.handOverFormerMember({ userId: stayer, role: 'sales' }, workspaceId, leaver, taker),
    ).rejects.toMatchObject({ code: 'forbidden' });

    expect(await engine.handOverFormerMember(asAdmin, workspaceId, leaver, taker)).toEqual(held);

    // Moved: exactly what a removal's hand-over moves; the rest, and other workspaces, stay.
    expect(await ownersOf(mine)).toEqual({
      person: taker,
      company: taker,
      openDeal: taker,
      wonDeal: leaver,
      openTask: taker,
      doneTask: leaver,
      openTicket: taker,
      solvedTicket: leaver,
      enrollment: taker,
    });
    expect(Object.values(await ownersOf(theirs)).every((owner) => owner === stayer)).toBe(true);
    expect(await engine.memberHoldings(workspaceId, taker)).toEqual(held);
    expect((await engine.formerMembersHoldings(workspaceId)).map((former) => former.userId)).toEqual([
      'usr_deleted',
    ]);
    expect((await engine.formerMembersHoldings(elsewhere)).map((former) => former.userId)).toEqual([
      outsider,
    ]);
    await engine.auditLog.flush();
    const entries = (await engine.auditLog.list(workspaceId, { limit: 50 })).data;
    expect(entries.find((entry) => entry.method === 'HAND_OVER')).toMatchObject({
      actorId: admin,
      entityIds: { userId: leaver, handOverTo: taker },
      after: { handOverTo: taker, ...held },
    });
  }, 60_000);

  it('hands over more records than one statement may name', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const leaver = await user('leaver');
    const taker = await user('taker');
    for (const id of [leaver, taker]) await engine.access.members.add(workspaceId, id, 'sales');
    // Past SQLite's 32,766 bound parameters for their audit rows, had they gone in one INSERT.
    const many = 3_400;
    for (let i = 0; i < many; i++)
      await engine.companies.create(workspaceId, { name: `Account ${i}`, ownerId: leaver }, null);
    await engine.access.members.remove({ userId: leaver, role: 'sales' }, workspaceId, leaver, {
      handOverTo: taker,
    });
    expect((await engine.memberHoldings(workspaceId, taker)).companies).toBe(many);
  }, 120_000);

  it('hands over a person whose owner is on a profile merged into theirs since', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const leaver = await user('leaver');
    const taker = await user('taker');
    for (const id of [leaver, taker]) await engine.access.members.add(workspaceId, id, 'sales');
    const merged = await engine.people.create(
      workspaceId,
      { email: 'first@example.com', ownerId: leaver },
      null,
    );
    // More events on this one's profile: it survives the merge, with no owner of its own.
    const survivor = await engine.people.create(
      workspaceId,
      { email: 'second@example.com', lifecycleStage: 'lead', tags: ['vip'], leadStatus: 'new' },
      null,
    );
    // One user id tracked with both people's anonymous ids: unify makes one person of them.
    const anonymousIdOf = async (profileId: string) =>
      (await engine.profiles.get(workspaceId, profileId)).identities.find((i) => i.type === 'anonymous_id')
        ?.value;
    const anonymousIds = [await anonymousIdOf(survivor.profileId), await anonymousIdOf(merged.profileId)];
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: anonymousIds.map((anonymousId, index) => ({
        type: 'identify',
        userId: 'u-merged',
        anonymousId,
        messageId: `merge-${index}`,
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const person = await engine.profiles.lookup(workspaceId, 'user_id', 'u-merged');
    expect(person.id).toBe(survivor.profileId);
    expect((await engine.people.get(workspaceId, person.id)).ownerId).toBe(leaver);
    expect((await engine.memberHoldings(workspaceId, leaver)).people).toBe(1);

    await engine.access.members.remove({ userId: leaver, role: 'sales' }, workspaceId, leaver, {
      handOverTo: taker,
    });

    expect((await engine.people.get(workspaceId, person.id)).ownerId).toBe(taker);
    expect((await engine.memberHoldings(workspaceId, taker)).people).toBe(1);
  });

  /** One record of each kind held by `userId`, and a closed one where closing keeps its owner. */
  async function holdingsIn(workspaceId: string, userId: string) {
    const person = await engine.people.create(
      workspaceId,
      { email: `${userId}-lead@example.com`, ownerId: userId },
      null,
    );
    const company = await engine.companies.create(
      workspaceId,
      { name: `Co ${userId}`, ownerId: userId },
      null,
    );
    const [pipeline] = await engine.pipelines.list(workspaceId);
    const deal = (name: string) =>
      engine.deals.create(
        workspaceId,
        { name, amount: 10, currency: 'EUR', pipelineId: pipeline?.id ?? '', ownerId: userId },
        null,
      );
    const openDeal = await deal('Open');
    const wonDeal = await deal('Won');
    await engine.deals.update(workspaceId, wonDeal.id, { status: 'won' }, null);
    const task = (title: string) =>
      engine.tasks.create(workspaceId, { title, dueAt: '2030-01-01T00:00:00Z', assigneeId: userId }, null);
    const openTask = await task('Call');
    const doneTask = await task('Mail');
    await engine.tasks.update(workspaceId, doneTask.id, { status: 'done' }, userId);
    const ticket = (subject: string) =>
      engine.tickets.create(
        workspaceId,
        { subject, email: `${userId}-requester@example.com`, priority: 'normal', assigneeId: userId },
        null,
      );
    const openTicket = await ticket('Locked out');
    const solvedTicket = await ticket('Invoice');
    await engine.tickets.update(workspaceId, solvedTicket.id, { status: 'solved' }, userId);
    const sequence = await engine.sequences.create(
      workspaceId,
      { name: `Follow up ${userId}`, steps: [{ id: 'call', kind: 'task', title: 'Call back', delay: '2d' }] },
      userId,
    );
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [person.profileId] }, userId);
    return {
      workspaceId,
      person: person.profileId,
      company: company.id,
      openDeal: openDeal.id,
      wonDeal: wonDeal.id,
      openTask: openTask.id,
      doneTask: doneTask.id,
      openTicket: openTicket.id,
      solvedTicket: solvedTicket.id,
    };
  }

  async function ownersOf(held: Awaited<ReturnType<typeof holdingsIn>>) {
    const { workspaceId } = held;
    const [enrollment] = await engine.sequences.enrollmentsOf(workspaceId, held.person);
    return {
      person: (await engine.people.get(workspaceId, held.person)).ownerId,
      company: (await engine.companies.get(workspaceId, held.company)).ownerId,
      openDeal: (await engine.deals.get(workspaceId, held.openDeal)).ownerId,
      wonDeal: (await engine.deals.get(workspaceId, held.wonDeal)).ownerId,
      openTask: (await engine.tasks.get(workspaceId, held.openTask)).assigneeId,
      doneTask: (await engine.tasks.get(workspaceId, held.doneTask)).assigneeId,
      openTicket: (await engine.tickets.get(workspaceId, held.openTicket)).assigneeId,
      solvedTicket: (await engine.tickets.get(workspaceId, held.solvedTicket)).assigneeId,
      enrollment: enrollment?.ownerId,
    };
  }
});
