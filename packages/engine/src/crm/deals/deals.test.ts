import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { crmAuditOf } from '../index.js';

describe.each(ENGINES)('pipelines and deals on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** A workspace with people identified by these user ids; their profile ids by user id. */
  async function workspaceWith(...userIds: string[]) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: userIds.map((userId) => ({
        type: 'identify',
        userId,
        traits: { email: `${userId}@example.com` },
        messageId: `identify-${userId}`,
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const people = new Map<string, string>();
    for (const userId of userIds)
      people.set(userId, (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id);
    const profile = (userId: string) => people.get(userId) ?? '';
    return { workspaceId, profile };
  }

  async function timelineOf(workspaceId: string, profileId: string) {
    await engine.pipeline.catchUp();
    const page = await engine.profiles.timeline(workspaceId, profileId, { limit: 100 });
    return page.data.map((e) => ({ event: e.event, properties: e.properties }));
  }

  const stages = [
    { name: 'Lead', probability: 10 },
    { name: 'Proposal', probability: 50 },
    { name: 'Negotiation', probability: 80 },
  ];

  it('gives a workspace a default Sales pipeline on first use, once', async () => {
    const { workspaceId } = await workspaceWith();
    const [first, second] = await Promise.all([
      engine.pipelines.list(workspaceId),
      engine.pipelines.list(workspaceId),
    ]);
    expect(first?.map((p) => p.name)).toEqual(['Sales']);
    expect(second).toEqual(first);
    expect(first?.[0]?.stages.map((s) => [s.name, s.probability])).toEqual([
      ['Qualification', 10],
      ['Discovery', 25],
      ['Proposal', 50],
      ['Negotiation', 75],
      ['Contract sent', 90],
    ]);
  });

  it('renames, reorders, adds and removes stages, but never one holding deals', async () => {
    const { workspaceId } = await workspaceWith();
    const pipeline = await engine.pipelines.create(workspaceId, { name: 'Partners', stages }, 'usr_1');
    const [lead, proposal, negotiation] = pipeline.stages;
    if (!lead || !proposal || !negotiation) throw new Error('three stages');
    const edited = await engine.pipelines.update(
      workspaceId,
      pipeline.id,
      {
        name: 'Channel',
        stages: [
          { id: proposal.id, name: 'Offer', probability: 40 },
          { id: lead.id, name: 'Lead', probability: 10 },
          { name: 'Legal', probability: 90 },
        ],
      },
      'usr_1',
    );
    expect(edited.name).toBe('Channel');
    expect(edited.stages.map((s) => [s.name, s.probability, s.position])).toEqual([
      ['Offer', 40, 0],
      ['Lead', 10, 1],
      ['Legal', 90, 2],
    ]);
    expect(edited.stages[0]?.id).toBe(proposal.id);

    await engine.deals.create(
      workspaceId,
      { name: 'Big one', amount: 10, currency: 'EUR', pipelineId: pipeline.id, stageId: lead.id },
      'usr_1',
    );
    await expect(
      engine.pipelines.update(
        workspaceId,
        pipeline.id,
        { stages: [{ id: proposal.id, name: 'Offer', probability: 40 }] },
        null,
      ),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: 'The stage "Lead" still holds deals: move them before removing it',
    });
    await expect(
      engine.pipelines.update(
        workspaceId,
        pipeline.id,
        { stages: [{ id: 'stage_nope', name: 'X', probability: 1 }] },
        null,
      ),
    ).rejects.toMatchObject({
      code: 'unprocessable',
      message: 'Invalid stages.0.id: not a stage of this pipeline',
    });
    const trail = await crmAuditOf(engine.store.db, {
      workspaceId,
      entityType: 'pipeline',
      entityId: pipeline.id,
    });
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ['update', 'usr_1'],
      ['create', 'usr_1'],
    ]);
  });

  it('moves a deal through stages, keeping its history and telling each person’s timeline', async () => {
    const { workspaceId, profile } = await workspaceWith('ann', 'bob');
    const pipeline = await engine.pipelines.create(workspaceId, { name: 'New business', stages }, null);
    const [lead, proposal] = pipeline.stages;
    if (!lead || !proposal) throw new Error('stages');
    await engine.customFields.create(
      workspaceId,
      { entity: 'deal', key: 'source', label: 'Source', type: 'text' },
      null,
    );
    const created = await engine.deals.create(
      workspaceId,
      {
        name: 'Acme renewal',
        amount: 1200.5,
        currency: 'EUR',
        pipelineId: pipeline.id,
        people: [{ profileId: profile('ann'), role: 'champion' }],
        profileIds: [profile('bob'), profile('ann')],
        closeDate: '2026-05-31',
        fields: { source: 'referral' },
      },
      'usr_rep',
    );
    expect(created).toMatchObject({
      stageId: lead.id,
      status: 'open',
      people: [
        { profileId: profile('ann'), role: 'champion' },
        { profileId: profile('bob'), role: 'other' },
      ],
      fields: { source: 'referral' },
    });
    const moved = await engine.deals.update(workspaceId, created.id, { stageId: proposal.id }, 'usr_boss');
    expect(moved.stageId).toBe(proposal.id);
    expect(moved.stageHistory.map((s) => [s.stageName, s.enteredBy, s.leftBy, s.leftAt !== null])).toEqual([
      ['Lead', 'usr_rep', 'usr_boss', true],
      ['Proposal', 'usr_boss', null, false],
    ]);
    // Moving to where it is changes nothing.
    const again = await engine.deals.update(workspaceId, created.id, { stageId: proposal.id }, 'usr_boss');
    expect(again.stageHistory).toHaveLength(2);

    for (const who of ['ann', 'bob']) {
      const timeline = await timelineOf(workspaceId, profile(who));
      const changed = timeline.filter((e) => e.event === 'Deal Stage Changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]?.properties).toMatchObject({
        dealId: created.id,
        dealName: 'Acme renewal',
        fromStage: 'Lead',
        toStage: 'Proposal',
        pipelineId: pipeline.id,
        amount: 1200.5,
        actorId: 'usr_boss',
      });
      expect(timeline.filter((e) => e.event === 'Deal Created')).toHaveLength(1);
    }
  });

  it('closes a deal as won or lost (lost needs a reason), and reopens it', async () => {
    const { workspaceId, profile } = await workspaceWith('cy');
    const [pipeline] = await engine.pipelines.list(workspaceId);
    if (!pipeline) throw new Error('default pipeline');
    const deal = await engine.deals.create(
      workspaceId,
      { name: 'Deal', amount: 100, currency: 'usd', pipelineId: pipeline.id, profileIds: [profile('cy')] },
      null,
    );
    expect(deal.currency).toBe('usd');
    await expect(engine.deals.update(workspaceId, deal.id, { status: 'lost' }, null)).rejects.toMatchObject({
      code: 'unprocessable',
      message: 'Invalid lostReason: say why the deal was lost',
    });
    const lost = await engine.deals.update(
      workspaceId,
      deal.id,
      { status: 'lost', lostReason: 'Budget' },
      null,
    );
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'Budget' });
    expect(lost.closedAt).not.toBeNull();
    expect(lost.closeDate).toBe(lost.closedAt?.slice(0, 10));
    const reopened = await engine.deals.update(workspaceId, deal.id, { status: 'open' }, null);
    expect(reopened).toMatchObject({ status: 'open', lostReason: null, closedAt: null });
    const won = await engine.deals.update(
      workspaceId,
      deal.id,
      { status: 'won', closeDate: '2026-01-15' },
      null,
    );
    expect(won).toMatchObject({ status: 'won', closeDate: '2026-01-15' });
    const events = (await timelineOf(workspaceId, profile('cy'))).map((e) => e.event);
    expect(events.filter((e) => e === 'Deal Lost')).toHaveLength(1);
    expect(events.filter((e) => e === 'Deal Won')).toHaveLength(1);
    const lostEvent = (await timelineOf(workspaceId, profile('cy'))).find((e) => e.event === 'Deal Lost');
    expect(lostEvent?.properties).toMatchObject({ lostReason: 'Budget' });
  });

  it('refuses what does not exist: a stage of another pipeline, a person, a company, an owner', async () => {
    const { workspaceId } = await workspaceWith();
    const [sales] = await engine.pipelines.list(workspaceId);
    const other = await engine.pipelines.create(workspaceId, { name: 'Other', stages }, null);
    if (!sales) throw new Error('default pipeline');
    const base = { name: 'D', amount: 1, currency: 'EUR', pipelineId: sales.id };
    await expect(
      engine.deals.create(workspaceId, { ...base, stageId: other.stages[0]?.id ?? '' }, null),
    ).rejects.toMatchObject({
      code: 'unprocessable',
      message: `Invalid stageId: not a stage of pipeline ${sales.id}`,
    });
    await expect(
      engine.deals.create(workspaceId, { ...base, profileIds: ['prof_nobody'] }, null),
    ).rejects.toMatchObject({
      message: 'Invalid people.0.profileId: no person prof_nobody',
    });
    await expect(
      engine.deals.create(workspaceId, { ...base, companyId: 'co_nope' }, null),
    ).rejects.toMatchObject({
      message: 'Invalid companyId: no company co_nope',
    });
    await expect(
      engine.deals.create(workspaceId, { ...base, ownerId: 'usr_stranger' }, null),
    ).rejects.toMatchObject({
      message: 'Invalid ownerId: usr_stranger is not a member of this workspace',
    });
    await expect(
      engine.deals.create(workspaceId, { ...base, fields: { nested: { a: 1 } } }, null),
    ).rejects.toMatchObject({
      message: 'Invalid fields.nested: a text, number, boolean, null or a list of them',
    });
    await expect(engine.deals.update(workspaceId, 'deal_nope', { name: 'x' }, null)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lists a stage’s deals a page at a time, and a person’s deals', async () => {
    const { workspaceId, profile } = await workspaceWith('dee');
    const pipeline = await engine.pipelines.create(workspaceId, { name: 'P', stages }, null);
    const [lead, proposal] = pipeline.stages;
    if (!lead || !proposal) throw new Error('stages');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const deal = await engine.deals.create(
        workspaceId,
        {
          name: `D${i}`,
          amount: i,
          currency: 'EUR',
          pipelineId: pipeline.id,
          stageId: i < 3 ? lead.id : proposal.id,
          ...(i === 1 ? { profileIds: [profile('dee')] } : {}),
        },
        null,
      );
      made.push(deal.id);
    }
    const first = await engine.deals.list(workspaceId, { stageId: lead.id, status: 'open', limit: 2 });
    expect(first.data.map((d) => d.name)).toEqual(['D2', 'D1']);
    const second = await engine.deals.list(workspaceId, {
      stageId: lead.id,
      status: 'open',
      limit: 2,
      cursor: first.nextCursor ?? '',
    });
    expect(second.data.map((d) => d.name)).toEqual(['D0']);
    expect(second.nextCursor).toBeNull();
    const ofDee = await engine.deals.list(workspaceId, { profileId: profile('dee'), limit: 50 });
    expect(ofDee.data.map((d) => d.id)).toEqual([made[1]]);

    const withPeople = await engine.deals.setPeople(
      workspaceId,
      made[0] ?? '',
      [{ profileId: profile('dee'), role: 'decision_maker' }],
      'usr_1',
    );
    expect(withPeople.people).toEqual([{ profileId: profile('dee'), role: 'decision_maker' }]);
    const replaced = await engine.deals.setPeople(workspaceId, made[0] ?? '', [], 'usr_1');
    expect(replaced.people).toEqual([]);
  });
});
