import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import type { SourceRef } from '../sources/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

type TestEngine = Engine & { dispose(): Promise<void> };

/** A fresh workspace with a source, and helpers to send calls and read profiles. */
async function workspaceOf(engine: Engine) {
  const workspace = await createWorkspace(engine.store, `ws ${Math.random()}`);
  const source = await engine.sources.create(workspace.id, { name: 'web' });
  const ref: SourceRef = { workspaceId: workspace.id, sourceId: source.id };
  let n = 0;
  return {
    workspaceId: workspace.id,
    async send(...calls: Record<string, unknown>[]) {
      const stamped = calls.map((call) => ({
        messageId: `m${++n}`,
        timestamp: `2024-01-01T00:00:${String(n).padStart(2, '0')}.000Z`,
        ...call,
      }));
      const result = await engine.collector.collect({ source: ref, calls: stamped, request: {} });
      expect(result.rejected).toEqual([]);
      await engine.pipeline.catchUp();
    },
    profileOf: (type: string, value: string) => engine.profiles.lookup(workspace.id, type, value),
    idOf: async (type: string, value: string) => (await engine.profiles.lookup(workspace.id, type, value)).id,
  };
}

describe.each(ENGINES)('identity resolution on %s', (kind) => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('links an anonymous visitor to the user who identifies, and keeps traits by event time', async () => {
    const ws = await workspaceOf(engine);
    await ws.send({ type: 'page', anonymousId: 'a1' });
    await ws.send({
      type: 'identify',
      anonymousId: 'a1',
      userId: 'u1',
      traits: { email: ' Ann@Example.COM ', plan: 'pro' },
    });
    await ws.send({
      type: 'identify',
      userId: 'u1',
      traits: { plan: 'free' },
      timestamp: '2023-01-01T00:00:00.000Z',
    });
    const profile = await ws.profileOf('email', 'ann@example.com');
    expect(profile.identities).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'email', value: 'ann@example.com' },
      { type: 'anonymous_id', value: 'a1' },
    ]);
    // The older identify arrived last: it does not win.
    expect(profile.traits).toEqual({ email: ' Ann@Example.COM ', plan: 'pro' });
    expect(await ws.idOf('anonymous_id', 'a1')).toBe(profile.id);
  });

  it('merges two profiles an event links, and the merged id answers with the survivor', async () => {
    const ws = await workspaceOf(engine);
    await ws.send(
      { type: 'track', anonymousId: 'a1', event: 'Viewed' },
      { type: 'track', anonymousId: 'a1', event: 'Viewed' },
    );
    await ws.send({ type: 'identify', userId: 'u1', traits: { name: 'Bo' } });
    const anonymous = await ws.idOf('anonymous_id', 'a1');
    const known = await ws.idOf('user_id', 'u1');
    expect(anonymous).not.toBe(known);
    await ws.send({ type: 'identify', userId: 'u1', anonymousId: 'a1' });
    const survivor = await ws.idOf('user_id', 'u1');
    expect(await ws.idOf('anonymous_id', 'a1')).toBe(survivor);
    // The side with more events survives; the other id still answers with it.
    expect(survivor).toBe(anonymous);
    const viaMerged = await engine.profiles.get(ws.workspaceId, known);
    expect(viaMerged.id).toBe(survivor);
    expect(viaMerged.traits).toEqual({ name: 'Bo' });
    const merges = await engine.identity.mergesOf(ws.workspaceId, survivor);
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({
      survivorId: survivor,
      mergedId: known,
      identities: [{ type: 'user_id', value: 'u1' }],
    });
    const timeline = await engine.profiles.timeline(ws.workspaceId, survivor, { limit: 10 });
    expect(timeline.data).toHaveLength(4);
  });

  it('drops the lowest-priority identifier when a limit would break (a shared family email)', async () => {
    const ws = await workspaceOf(engine);
    await ws.send({ type: 'identify', userId: 'mom', traits: { email: 'family@example.com' } });
    await ws.send({ type: 'identify', userId: 'dad', traits: { email: 'family@example.com' } });
    const mom = await ws.profileOf('user_id', 'mom');
    const dad = await ws.profileOf('user_id', 'dad');
    expect(mom.id).not.toBe(dad.id);
    expect(await ws.idOf('email', 'family@example.com')).toBe(mom.id);
    expect(dad.identities).toEqual([{ type: 'user_id', value: 'dad' }]);
  });

  it('honours per-type limits from the workspace settings', async () => {
    const ws = await workspaceOf(engine);
    await engine.identity.updateSettings(ws.workspaceId, {
      limits: { user_id: { max: 1 }, anonymous_id: { max: 2 } },
    });
    await ws.send({ type: 'identify', userId: 'u1', anonymousId: 'a1' });
    await ws.send({ type: 'track', userId: 'u1', anonymousId: 'a2', event: 'E' });
    await ws.send({ type: 'track', userId: 'u1', anonymousId: 'a3', event: 'E' });
    const profile = await ws.profileOf('user_id', 'u1');
    expect(profile.identities.filter((i) => i.type === 'anonymous_id')).toHaveLength(2);
    // a3 was dropped from the event that would have been the third: the event still counts for u1.
    await expect(ws.profileOf('anonymous_id', 'a3')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never uses blocked or invalid values as identifiers, and counts them', async () => {
    const ws = await workspaceOf(engine);
    await engine.identity.updateSettings(ws.workspaceId, { blockedValues: ['test@example.com'] });
    await ws.send(
      { type: 'identify', userId: 'u1', anonymousId: '00000000-0000', traits: { email: 'test@example.com' } },
      { type: 'identify', userId: 'u2', anonymousId: 'null', traits: { email: 'not an email', phone: '12' } },
      { type: 'identify', userId: 'u3', anonymousId: 'anonymous', traits: { phone: '(415) 555-0132' } },
    );
    const ids = await Promise.all(['u1', 'u2', 'u3'].map((u) => ws.idOf('user_id', u)));
    expect(new Set(ids).size).toBe(3);
    expect((await ws.profileOf('user_id', 'u3')).identities).toContainEqual({
      type: 'phone',
      value: '+14155550132',
    });
    expect(await ws.idOf('phone', '+1 415 555 0132')).toBe(ids[2]);
    const counts = await engine.identity.rejectionCounts(ws.workspaceId);
    expect(counts).toEqual(
      expect.arrayContaining([
        { type: 'anonymous_id', reason: 'blocked', count: 3 },
        { type: 'email', reason: 'blocked', count: 1 },
        { type: 'email', reason: 'invalid', count: 1 },
        { type: 'phone', reason: 'invalid', count: 1 },
      ]),
    );
  });

  it('links previousId to userId on alias, under the same rules', async () => {
    const ws = await workspaceOf(engine);
    await ws.send({ type: 'track', anonymousId: 'old-anon', event: 'E' });
    await ws.send({ type: 'identify', userId: 'new-user', traits: { plan: 'pro' } });
    await ws.send({ type: 'alias', userId: 'new-user', previousId: 'old-anon' });
    expect(await ws.idOf('anonymous_id', 'old-anon')).toBe(await ws.idOf('user_id', 'new-user'));
    // Two user ids may not share a profile: aliasing one to another is refused.
    await ws.send({ type: 'identify', userId: 'other-user' });
    await ws.send({ type: 'alias', userId: 'other-user', previousId: 'new-user' });
    expect(await ws.idOf('user_id', 'other-user')).not.toBe(await ws.idOf('user_id', 'new-user'));
  });

  it('reads device ids and configured external ids', async () => {
    const ws = await workspaceOf(engine);
    await engine.identity.updateSettings(ws.workspaceId, { externalIdTypes: ['crm_id'] });
    await ws.send({
      type: 'track',
      anonymousId: 'a1',
      event: 'E',
      context: { device: { id: 'dev-1' }, externalIds: [{ id: 'C-9', type: 'crm_id' }] },
    });
    await ws.send({ type: 'identify', userId: 'u1', traits: { crm_id: 'C-9' } });
    expect(await ws.idOf('device_id', 'dev-1')).toBe(await ws.idOf('user_id', 'u1'));
  });

  it('creates a company from group and links the person', async () => {
    const ws = await workspaceOf(engine);
    await ws.send({
      type: 'group',
      userId: 'u1',
      groupId: 'acme',
      traits: { name: 'Acme Inc', plan: 'enterprise' },
    });
    const profile = await ws.profileOf('user_id', 'u1');
    expect(profile.companies).toEqual([{ id: expect.stringMatching(/^co_/), name: 'Acme Inc' }]);
  });

  it('unmerges a wrong merge: events go back and traits are recomputed from the log', async () => {
    const ws = await workspaceOf(engine);
    await ws.send({
      type: 'identify',
      anonymousId: 'laptop',
      traits: { email: 'shared@example.com', color: 'red' },
    });
    await ws.send(
      { type: 'identify', anonymousId: 'phone', traits: { color: 'blue' } },
      { type: 'track', anonymousId: 'phone', event: 'Tap' },
    );
    await ws.send({ type: 'identify', anonymousId: 'phone', traits: { email: 'shared@example.com' } });
    const merged = await ws.profileOf('anonymous_id', 'laptop');
    expect(await ws.idOf('anonymous_id', 'phone')).toBe(merged.id);
    expect(merged.traits.color).toBe('blue');
    const [merge] = await engine.identity.mergesOf(ws.workspaceId, merged.id);
    if (!merge) throw new Error('no merge recorded');

    const split = await engine.pipeline.unmerge({
      workspaceId: ws.workspaceId,
      profileId: merged.id,
      mergeId: merge.id,
    });
    expect(split.survivorId).toBe(merged.id);
    const laptop = await ws.profileOf('anonymous_id', 'laptop');
    const phone = await ws.profileOf('anonymous_id', 'phone');
    expect(laptop.id).not.toBe(phone.id);
    expect([laptop.traits.color, phone.traits.color].sort()).toEqual(['blue', 'red']);
    const events = async (id: string) =>
      (await engine.profiles.timeline(ws.workspaceId, id, { limit: 50 })).data.length;
    expect((await events(laptop.id)) + (await events(phone.id))).toBe(4);
    expect((await engine.identity.mergesOf(ws.workspaceId, merged.id))[0]?.undoneAt).toEqual(
      expect.any(String),
    );

    // They stay apart when the same link comes again, and after a rebuild from the log.
    await ws.send({ type: 'identify', anonymousId: 'phone', traits: { email: 'shared@example.com' } });
    expect(await ws.idOf('anonymous_id', 'phone')).not.toBe(await ws.idOf('anonymous_id', 'laptop'));
    await engine.pipeline.rebuild();
    expect(await ws.idOf('anonymous_id', 'phone')).not.toBe(await ws.idOf('anonymous_id', 'laptop'));
  });
});
