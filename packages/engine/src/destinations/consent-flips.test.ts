import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';
import { TestReceiver } from './test-receiver.js';

// A destination needing `marketing`, synced with an audience that requires no purpose: a person
// withdrawing marketing changes no membership, yet must leave the destination's list, and come
// back on it when they grant it again. Decisions come from events and from the API; defaults
// and purposes changed turn the people they reach the same way.
describe.each(ENGINES)('consent flips delivered to destinations on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  const receiver = new TestReceiver();

  beforeAll(async () => {
    await receiver.start();
    engine = await openTestEngine(kind, {
      delivery: {
        secretKey: Buffer.alloc(32, 7),
        allowPrivateNetworks: true,
        baseBackoffMs: 20,
        maxBackoffMs: 200,
        pollMs: 100,
        sendTimeoutMs: 2000,
      },
      // A long poll: a decision recorded through the API must wake the pipeline itself.
      pipeline: { pollMs: 60_000 },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
  });
  afterAll(async () => {
    await engine.dispose();
    await receiver.stop();
  });

  async function syncedWorkspace() {
    const ws = await trackingWorkspace(engine);
    const pro = await engine.audiences.create(ws.workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error(JSON.stringify(pro.error));
    const destination = await engine.destinations.create(ws.workspaceId, {
      name: 'ads',
      type: 'webhook',
      config: { url: receiver.url },
      purposes: ['marketing'],
      subscriptions: [{ kind: 'audience', audienceId: pro.value.id, on: ['entered', 'exited'] }],
    });
    if (!destination.ok) throw new Error(JSON.stringify(destination.error));
    // Profile ids are unique: the bodies naming one are all this workspace's destination's.
    const turnsOf = (profileId: string) =>
      receiver.accepted
        .map((r) => r.body as { type: string; profile?: { id: string; traits: Record<string, unknown> } })
        .flatMap(({ type, profile }) =>
          profile?.id === profileId
            ? [[type, Object.keys(profile.traits).length > 0 ? 'traits' : 'no traits']]
            : [],
        );
    await ws.send(
      { type: 'identify', userId: 'ada', traits: { plan: 'pro', email: 'ada@example.com' } },
      { type: 'identify', userId: 'bob', traits: { plan: 'pro', email: 'bob@example.com' } },
      { type: 'identify', userId: 'cy', traits: { plan: 'free', email: 'cy@example.com' } },
    );
    const [ada, bob, cy] = await Promise.all(['ada', 'bob', 'cy'].map(ws.profileOf));
    await receiver.until(() => turnsOf(ada).length > 0 && turnsOf(bob).length > 0);
    return { ...ws, ada, bob, cy, turnsOf };
  }

  const consenting = (marketing: boolean) => ({ consent: { categoryPreferences: { marketing } } });

  it('takes a member off the list when an event withdraws marketing, and back on when it grants it', async () => {
    const ws = await syncedWorkspace();
    expect(ws.turnsOf(ws.ada)).toEqual([['audience.entered', 'traits']]);
    await ws.send(
      { type: 'track', userId: 'ada', event: 'Cookie Banner Closed', context: consenting(false) },
      { type: 'track', userId: 'cy', event: 'Cookie Banner Closed', context: consenting(false) },
    );
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 2);
    // The exit goes without the traits of a person who withdrew.
    expect(ws.turnsOf(ws.ada)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
    ]);
    await ws.send({ type: 'track', userId: 'ada', event: 'Cookie Banner Closed', context: consenting(true) });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 3);
    expect(ws.turnsOf(ws.ada)[2]).toEqual(['audience.entered', 'traits']);
    // A non-member withdrawing changes no list; repeating a decision is no flip.
    await ws.send({ type: 'track', userId: 'ada', event: 'Page Seen', context: consenting(true) });
    await settle();
    expect(ws.turnsOf(ws.cy)).toEqual([]);
    expect(ws.turnsOf(ws.ada)).toHaveLength(3);
    expect(ws.turnsOf(ws.bob)).toEqual([['audience.entered', 'traits']]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('takes a member off the list within seconds when the API records a withdrawal, and back on', async () => {
    const ws = await syncedWorkspace();
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: false }, source: 'api' });
    await engine.consent.record(ws.workspaceId, ws.cy, { purposes: { marketing: false }, source: 'api' });
    await receiver.until(() => ws.turnsOf(ws.bob).length >= 2, 5000);
    expect(ws.turnsOf(ws.bob)[1]).toEqual(['audience.exited', 'no traits']);
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: true }, source: 'api' });
    await receiver.until(() => ws.turnsOf(ws.bob).length >= 3, 5000);
    expect(ws.turnsOf(ws.bob)[2]).toEqual(['audience.entered', 'traits']);
    // Recording the same again is no flip; the non-member and the other member hear nothing.
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: true }, source: 'api' });
    await settle();
    expect(ws.turnsOf(ws.bob)).toHaveLength(3);
    expect(ws.turnsOf(ws.cy)).toEqual([]);
    expect(ws.turnsOf(ws.ada)).toEqual([['audience.entered', 'traits']]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('takes undecided members off the list when the workspace default turns to opt-in, and back on when it turns back', async () => {
    const ws = await syncedWorkspace();
    // Bob granted marketing himself: no default is his.
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: true }, source: 'api' });
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-in' });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 2, 5000);
    expect(ws.turnsOf(ws.ada)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
    ]);
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-out' });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 3, 5000);
    expect(ws.turnsOf(ws.ada)[2]).toEqual(['audience.entered', 'traits']);
    // Saving the same default again turns nothing; the decided member and the non-member hear nothing.
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-out' });
    await settle();
    expect(ws.turnsOf(ws.ada)).toHaveLength(3);
    expect(ws.turnsOf(ws.bob)).toEqual([['audience.entered', 'traits']]);
    expect(ws.turnsOf(ws.cy)).toEqual([]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('takes undecided members off the list when the purpose’s own default turns to opt-in, and back on', async () => {
    const ws = await syncedWorkspace();
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: true }, source: 'api' });
    await engine.consent.updatePurpose(ws.workspaceId, 'marketing', { defaultMode: 'opt-in' });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 2, 5000);
    expect(ws.turnsOf(ws.ada)[1]).toEqual(['audience.exited', 'no traits']);
    // The workspace default changing under the purpose's own turns nothing for it.
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-in' });
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-out' });
    await settle();
    expect(ws.turnsOf(ws.ada)).toHaveLength(2);
    // Back to following the workspace's (opt-out): granted again.
    await engine.consent.updatePurpose(ws.workspaceId, 'marketing', { defaultMode: null });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 3, 5000);
    expect(ws.turnsOf(ws.ada)[2]).toEqual(['audience.entered', 'traits']);
    await settle();
    expect(ws.turnsOf(ws.bob)).toEqual([['audience.entered', 'traits']]);
    expect(ws.turnsOf(ws.cy)).toEqual([]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('takes everyone who granted a removed purpose off the list, and puts them back when it is added again', async () => {
    const ws = await syncedWorkspace();
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: true }, source: 'api' });
    const marketing = (await engine.consent.purposes(ws.workspaceId)).find((p) => p.key === 'marketing');
    if (!marketing) throw new Error('no marketing purpose');
    // No one grants a purpose that is gone, whatever they decided.
    await engine.consent.deletePurpose(ws.workspaceId, 'marketing');
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 2 && ws.turnsOf(ws.bob).length >= 2, 5000);
    expect(ws.turnsOf(ws.ada)[1]).toEqual(['audience.exited', 'no traits']);
    expect(ws.turnsOf(ws.bob)[1]).toEqual(['audience.exited', 'no traits']);
    await engine.consent.createPurpose(ws.workspaceId, {
      key: marketing.key,
      label: marketing.label,
      description: marketing.description,
      defaultMode: null,
      aliases: [...marketing.aliases],
    });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 3 && ws.turnsOf(ws.bob).length >= 3, 5000);
    expect(ws.turnsOf(ws.ada)[2]).toEqual(['audience.entered', 'traits']);
    expect(ws.turnsOf(ws.bob)[2]).toEqual(['audience.entered', 'traits']);
    await settle();
    expect(ws.turnsOf(ws.cy)).toEqual([]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('takes a member off the list when a merge brings in their later withdrawal', async () => {
    const ws = await syncedWorkspace();
    // An anonymous visitor withdraws marketing, then turns out to be Ada.
    await ws.send({
      type: 'track',
      anonymousId: 'ada-phone',
      event: 'Cookie Banner Closed',
      context: consenting(false),
    });
    await ws.send({ type: 'identify', userId: 'ada', anonymousId: 'ada-phone' });
    const survivor = await ws.profileOf('ada');
    expect((await engine.consent.profileConsent(ws.workspaceId, survivor)).purposes.marketing?.granted).toBe(
      false,
    );
    await receiver.until(() => ws.turnsOf(survivor).some(([type]) => type === 'audience.exited'));
    expect(ws.turnsOf(survivor).filter(([type]) => type === 'audience.exited')).toEqual([
      ['audience.exited', 'no traits'],
    ]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('puts a member back on the list when an unmerge takes away the withdrawal a merge brought', async () => {
    const ws = await syncedWorkspace();
    await ws.send({
      type: 'track',
      anonymousId: 'shared-tablet',
      event: 'Cookie Banner Closed',
      context: consenting(false),
    });
    await ws.send({ type: 'identify', userId: 'ada', anonymousId: 'shared-tablet' });
    const survivor = await ws.profileOf('ada');
    await receiver.until(() => ws.turnsOf(survivor).length >= 2);
    const [merge] = await engine.identity.mergesOf(ws.workspaceId, survivor);
    if (!merge) throw new Error('the identify merged nobody');
    // The tablet was someone else's: the merge is undone, and the withdrawal goes with it.
    const { restoredId } = await engine.pipeline.unmerge({
      workspaceId: ws.workspaceId,
      profileId: survivor,
      mergeId: merge.id,
    });
    const marketingOf = async (profileId: string) =>
      (await engine.consent.profileConsent(ws.workspaceId, profileId)).purposes.marketing?.granted;
    expect(await marketingOf(restoredId)).toBe(false);
    await receiver.until(() => ws.turnsOf(survivor).length >= 3);
    expect(ws.turnsOf(survivor)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
      ['audience.entered', 'traits'],
    ]);
    // The restored visitor was on no list, so none takes them off.
    await settle();
    expect(ws.turnsOf(restoredId)).toEqual([]);
    expect(ws.turnsOf(survivor)).toHaveLength(3);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('puts a member back on the list when the event that withdrew is removed from the log', async () => {
    const ws = await syncedWorkspace();
    await ws.send({
      type: 'track',
      userId: 'bob',
      event: 'Cookie Banner Closed',
      context: consenting(false),
    });
    await receiver.until(() => ws.turnsOf(ws.bob).length >= 2);
    const withdrawal = await engine.store.db
      .selectFrom('events')
      .select('seq')
      .where('workspace_id', '=', ws.workspaceId)
      .where('event', '=', 'Cookie Banner Closed')
      .executeTakeFirstOrThrow();
    await engine.pipeline.removeEvents(ws.workspaceId, [Number(withdrawal.seq)]);
    await receiver.until(() => ws.turnsOf(ws.bob).length >= 3);
    expect(ws.turnsOf(ws.bob)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
      ['audience.entered', 'traits'],
    ]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  it('sends no flip twice when the log is replayed (rebuild)', async () => {
    const ws = await syncedWorkspace();
    await ws.send({
      type: 'track',
      userId: 'ada',
      event: 'Cookie Banner Closed',
      context: consenting(false),
    });
    await engine.consent.record(ws.workspaceId, ws.bob, { purposes: { marketing: false }, source: 'api' });
    await receiver.until(() => ws.turnsOf(ws.ada).length >= 2 && ws.turnsOf(ws.bob).length >= 2);
    const outbox = async () =>
      (
        await engine.store.db
          .selectFrom('deliveries')
          .select(['delivery_id', 'type'])
          .where('workspace_id', '=', ws.workspaceId)
          .orderBy('delivery_id')
          .execute()
      ).map((row) => `${row.type} ${row.delivery_id}`);
    const before = await outbox();
    expect(before.filter((row) => row.startsWith('audience.exited'))).toHaveLength(2);
    await engine.pipeline.rebuild();
    await settle();
    expect(await outbox()).toEqual(before);
    expect(ws.turnsOf(ws.ada)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
    ]);
    expect(ws.turnsOf(ws.bob)).toEqual([
      ['audience.entered', 'traits'],
      ['audience.exited', 'no traits'],
    ]);
    expect(await waitingFlips(ws.workspaceId)).toBe(0);
  });

  /** Flips recorded and not yet taken by the delivery stage. */
  async function waitingFlips(workspaceId: string): Promise<number> {
    await engine.pipeline.catchUp();
    const rows = await engine.store.db
      .selectFrom('consent_changes')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.length;
  }

  /** Lets whatever the pipeline and the dispatcher would still do happen. */
  async function settle(): Promise<void> {
    await engine.pipeline.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});
