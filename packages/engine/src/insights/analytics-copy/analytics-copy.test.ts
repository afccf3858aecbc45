import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { saveCheckpoint } from '../../pipeline-runtime/index.js';
import { ENGINES, holderOf, openTestEngine, personRefOf, trackingWorkspace } from '../../testing/index.js';
import { ANALYTICS_STAGE } from './index.js';

const AT = '2026-03-02T10:00:00.000Z';

describe.each(ENGINES)('the analytics copy on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** The copy's events of a workspace, in log order. */
  const eventsOf = (workspaceId: string) =>
    engine.analytics.query(
      `SELECT seq, profile_id, type, event, properties::varchar AS properties, utm_source, utm_medium, utm_campaign,
         analytics_events.timestamp::varchar AS at
       FROM analytics_events WHERE workspace_id = $1 ORDER BY seq`,
      [workspaceId],
    );
  const peopleOf = async (workspaceId: string) =>
    (
      await engine.analytics.query(
        `SELECT profile_id, traits::varchar AS traits, computed_traits::varchar AS computed,
           audiences::varchar AS audiences
         FROM analytics_people WHERE workspace_id = $1 ORDER BY profile_id`,
        [workspaceId],
      )
    ).map((row) => ({
      profileId: row.profile_id,
      traits: JSON.parse(String(row.traits)),
      computed: JSON.parse(String(row.computed)),
      audiences: JSON.parse(String(row.audiences)),
    }));

  it('copies track, page and screen calls with their person, and keeps each person current', async () => {
    const { workspaceId, send, profileOf } = await trackingWorkspace(engine);
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    if (!orders.ok) throw new Error('computed trait refused');
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error('audience refused');
    await send(
      { type: 'identify', userId: 'ann', traits: { plan: 'pro', email: 'ann@example.com' }, timestamp: AT },
      {
        type: 'track',
        userId: 'ann',
        event: 'Order',
        properties: { revenue: 30 },
        context: { campaign: { source: 'google', medium: 'cpc', name: 'spring' } },
        timestamp: AT,
      },
      { type: 'page', userId: 'ann', name: 'Pricing', properties: { path: '/pricing' }, timestamp: AT },
      { type: 'screen', userId: 'ann', name: 'Home', timestamp: AT },
      { type: 'group', userId: 'ann', groupId: 'acme', timestamp: AT },
      { type: 'alias', userId: 'ann', previousId: 'visitor-1', timestamp: AT },
    );
    const ann = await profileOf('ann');
    const copied = await eventsOf(workspaceId);
    // The segment stage's own track events are behaviour too, copied like the rest.
    expect(copied.filter((row) => row.event === 'Audience Entered').map((row) => row.profile_id)).toEqual([
      ann,
    ]);
    const events = copied.filter((row) => row.event !== 'Audience Entered');
    expect(
      events.map(({ seq: _seq, ...row }) => ({ ...row, properties: JSON.parse(String(row.properties)) })),
    ).toEqual([
      {
        profile_id: ann,
        type: 'track',
        event: 'Order',
        properties: { revenue: 30 },
        utm_source: 'google',
        utm_medium: 'cpc',
        utm_campaign: 'spring',
        at: '2026-03-02 10:00:00',
      },
      {
        profile_id: ann,
        type: 'page',
        event: 'Page Viewed',
        properties: { path: '/pricing', name: 'Pricing' },
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        at: '2026-03-02 10:00:00',
      },
      {
        profile_id: ann,
        type: 'screen',
        event: 'Screen Viewed',
        properties: { name: 'Home' },
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        at: '2026-03-02 10:00:00',
      },
    ]);
    expect(await peopleOf(workspaceId)).toEqual([
      {
        profileId: ann,
        traits: { email: 'ann@example.com', plan: 'pro' },
        computed: { orders: 1 },
        audiences: [pro.value.id],
      },
    ]);
    // The stage reports its lag like the others.
    const status = await engine.pipeline.status();
    expect(status.find((s) => s.stage === ANALYTICS_STAGE)).toMatchObject({ lagEvents: 0 });
  });

  it('moves a merged profile’s events to the survivor, and gives them back on unmerge', async () => {
    const { workspaceId, send, profileOf } = await trackingWorkspace(engine);
    await send(
      { type: 'track', anonymousId: 'visitor-b', event: 'Product Viewed', timestamp: AT },
      { type: 'track', userId: 'bob', event: 'Signed Up', timestamp: AT },
    );
    const before = await eventsOf(workspaceId);
    expect(new Set(before.map((row) => row.profile_id)).size).toBe(2);
    expect(await peopleOf(workspaceId)).toHaveLength(2);

    await send({
      type: 'identify',
      userId: 'bob',
      anonymousId: 'visitor-b',
      traits: { plan: 'free' },
      timestamp: AT,
    });
    const bob = await profileOf('bob');
    expect((await eventsOf(workspaceId)).map((row) => row.profile_id)).toEqual([bob, bob]);
    expect((await peopleOf(workspaceId)).map((p) => p.profileId)).toEqual([bob]);

    const [merge] = await engine.identity.mergesOf(workspaceId, bob);
    if (!merge) throw new Error('no merge');
    const { survivorId, restoredId } = await engine.pipeline.unmerge({
      workspaceId,
      profileId: bob,
      mergeId: merge.id,
    });
    const visitor = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'visitor-b')).id;
    const user = await profileOf('bob');
    expect(new Set([visitor, user])).toEqual(new Set([survivorId, restoredId]));
    const after = await eventsOf(workspaceId);
    expect(after.map((row) => [row.event, row.profile_id])).toEqual([
      ['Product Viewed', visitor],
      ['Signed Up', user],
    ]);
    expect((await peopleOf(workspaceId)).map((p) => p.profileId).sort()).toEqual(
      [restoredId, survivorId].sort(),
    );
  });

  it('drops the events a deletion by scope removes from the log', async () => {
    const { workspaceId, send } = await trackingWorkspace(engine);
    await send(
      { type: 'track', userId: 'cid', event: 'Keep', timestamp: AT },
      { type: 'track', userId: 'cid', event: 'Mistake', properties: { ssn: '123' }, timestamp: AT },
    );
    const mistake = (await eventsOf(workspaceId)).find((row) => row.event === 'Mistake');
    await engine.pipeline.removeEvents(workspaceId, [Number(mistake?.seq)]);
    expect((await eventsOf(workspaceId)).map((row) => row.event)).toEqual(['Keep']);
    expect(await peopleOf(workspaceId)).toHaveLength(1);
  });

  it('exports and erases a person’s rows, leaving others’', async () => {
    const { workspaceId, send, profileOf } = await trackingWorkspace(engine);
    await send(
      { type: 'track', userId: 'dee', event: 'Order', properties: { revenue: 5 }, timestamp: AT },
      { type: 'track', userId: 'eve', event: 'Order', properties: { revenue: 7 }, timestamp: AT },
    );
    const dee = await personRefOf(engine, workspaceId, await profileOf('dee'));
    const holder = holderOf(engine, 'analytics');
    expect(await holder.exportPerson(dee)).toMatchObject({
      events: { count: 1, copiesOf: 'events' },
      people: [{ profileId: dee.profileIds[0] }],
    });
    expect(await holder.erasePerson(dee)).toEqual({ analytics_events: 1, analytics_people: 1 });
    expect((await eventsOf(workspaceId)).map((row) => row.profile_id)).toEqual([await profileOf('eve')]);
    expect(await holder.erasePerson(dee)).toEqual({ analytics_events: 0, analytics_people: 0 });
  });

  it('replays a batch whose checkpoint was not saved without counting it twice, and rebuilds the same copy', async () => {
    const { workspaceId, send } = await trackingWorkspace(engine);
    await send(
      { type: 'track', anonymousId: 'visitor-f', event: 'A', timestamp: AT },
      { type: 'page', userId: 'fay', name: 'Docs', timestamp: AT },
      { type: 'track', userId: 'gus', event: 'B', timestamp: AT },
      // A merge: replayed from the log, the stage finds it through identity, not the hand-off.
      { type: 'identify', userId: 'fay', anonymousId: 'visitor-f', timestamp: AT },
    );
    const copied = await eventsOf(workspaceId);
    const people = await peopleOf(workspaceId);
    expect(new Set(copied.map((row) => row.profile_id)).size).toBe(2);
    expect(people).toHaveLength(2);
    // A crash after the copy's write, before its checkpoint: the stage is back before these events.
    const first = Number(copied[0]?.seq);
    await engine.store.db
      .transaction()
      .execute((trx) => saveCheckpoint(trx, ANALYTICS_STAGE, { txid: 0, seq: first - 1 }));
    await engine.pipeline.catchUp();
    expect(await eventsOf(workspaceId)).toEqual(copied);
    expect(await peopleOf(workspaceId)).toEqual(people);

    await engine.pipeline.rebuild();
    expect(await eventsOf(workspaceId)).toEqual(copied);
    expect(await peopleOf(workspaceId)).toEqual(people);
  });
});

describe.each(ENGINES)('the analytics copy over many small batches on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    // One event a batch: the embedded copy holds many batches and writes them at once.
    engine = await openTestEngine(kind, { pipeline: { batchSize: 1 } });
  });
  afterAll(() => engine.dispose());

  it('writes many held batches with their merges as one', async () => {
    const { workspaceId, send, profileOf } = await trackingWorkspace(engine);
    await send(
      { type: 'track', anonymousId: 'x1', event: 'One', timestamp: AT },
      { type: 'track', anonymousId: 'x2', event: 'Two', timestamp: AT },
      { type: 'track', anonymousId: 'x3', event: 'Three', timestamp: AT },
      // x3 merges into x2's profile, then x1's joins them through an email.
      { type: 'identify', userId: 'hal', anonymousId: 'x2', timestamp: AT },
      { type: 'identify', userId: 'hal', anonymousId: 'x3', timestamp: AT },
      { type: 'identify', anonymousId: 'x1', traits: { email: 'hal@example.com' }, timestamp: AT },
      { type: 'identify', userId: 'hal', traits: { email: 'hal@example.com' }, timestamp: AT },
    );
    const hal = await profileOf('hal');
    const rows = await engine.analytics.query(
      'SELECT event, profile_id FROM analytics_events WHERE workspace_id = $1 ORDER BY seq',
      [workspaceId],
    );
    expect(rows).toEqual([
      { event: 'One', profile_id: hal },
      { event: 'Two', profile_id: hal },
      { event: 'Three', profile_id: hal },
    ]);
    const people = await engine.analytics.query(
      'SELECT profile_id, traits::varchar AS traits FROM analytics_people WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(people).toEqual([{ profile_id: hal, traits: expect.stringContaining('hal@example.com') }]);
  });
});
