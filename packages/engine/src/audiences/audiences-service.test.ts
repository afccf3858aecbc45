import type { AudienceRule } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('the audiences service on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** A workspace whose profiles `u00`…`u29` have plan pro (even) or free (odd); u00–u04 ordered. */
  async function workspaceWithPeople() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const users = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: users.flatMap((userId, i) => [
        {
          type: 'identify',
          userId,
          messageId: `id-${userId}`,
          traits: { plan: i % 2 === 0 ? 'pro' : 'free' },
        },
        ...(i < 5 ? [{ type: 'track', userId, messageId: `order-${userId}`, event: 'Order Completed' }] : []),
      ]),
      request: {},
    });
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
    return workspaceId;
  }

  async function everyMember(workspaceId: string, audienceId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.audiences.members(workspaceId, audienceId, { limit: 4, cursor });
      ids.push(...page.data.map((m) => m.profileId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return ids;
  }

  it('lists a workspace’s audiences page by page, oldest first, and no other workspace’s', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const rule: AudienceRule = { trait: 'plan', op: 'eq', value: 'pro' };
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const audience = await engine.audiences.create(workspaceId, { name: `a${i}`, rule });
      if (!audience.ok) throw new Error(JSON.stringify(audience.error));
      created.push(audience.value.id);
    }
    const other = await engine.audiences.create(otherId, { name: 'elsewhere', rule });

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.audiences.list(workspaceId, { limit: 2, cursor });
      pages.push(page.data.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([created.slice(0, 2), created.slice(2, 4), created.slice(4)]);

    const exact = await engine.audiences.list(workspaceId, { limit: 5 });
    expect(exact.data.map((a) => a.name)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(exact.nextCursor).toBeNull();
    expect((await engine.audiences.list(otherId, { limit: 50 })).data.map((a) => a.id)).toEqual([
      other.ok && other.value.id,
    ]);
  });

  it('previews the count and the first ten members by id, as evaluation would record them', async () => {
    const workspaceId = await workspaceWithPeople();
    const rules: AudienceRule[] = [
      { trait: 'plan', op: 'eq', value: 'pro' },
      { all: [{ trait: 'plan', op: 'eq', value: 'pro' }, { not: { event: 'Order Completed' } }] },
      { any: [{ trait: 'plan', op: 'eq', value: 'free' }, { event: 'Order Completed' }] },
    ];
    for (const [i, rule] of rules.entries()) {
      const preview = await engine.audiences.preview(workspaceId, rule);
      if (!preview.ok) throw new Error(JSON.stringify(preview.error));
      const audience = await engine.audiences.create(workspaceId, { name: `rule ${i}`, rule });
      if (!audience.ok) throw new Error(JSON.stringify(audience.error));
      const members = await everyMember(workspaceId, audience.value.id);
      expect(members.length).toBeGreaterThan(10);
      expect(preview.value).toEqual({ count: members.length, sample: members.slice(0, 10) });
    }
  });

  it('previews no one, and rules that name computed traits and audiences', async () => {
    const workspaceId = await workspaceWithPeople();
    expect(await engine.audiences.preview(workspaceId, { trait: 'plan', op: 'eq', value: 'team' })).toEqual({
      ok: true,
      value: { count: 0, sample: [] },
    });
    const trait = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order Completed',
    });
    expect(trait.ok).toBe(true);
    const buyers = await engine.audiences.preview(workspaceId, {
      computedTrait: 'orders',
      op: 'gte',
      value: 1,
    });
    expect(buyers.ok && buyers.value.count).toBe(5);
    const pro = await engine.audiences.create(workspaceId, {
      name: 'pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error(JSON.stringify(pro.error));
    const proBuyers = await engine.audiences.preview(workspaceId, {
      all: [{ audience: pro.value.id }, { computedTrait: 'orders', op: 'gte', value: 1 }],
    });
    expect(proBuyers.ok && proBuyers.value.count).toBe(3);
    expect(
      await engine.audiences.preview(workspaceId, { computedTrait: 'nope', op: 'gt', value: 1 }),
    ).toEqual({ ok: false, error: [{ path: 'rule.computedTrait', message: 'no computed trait "nope"' }] });
  });

  it('deletes an audience and a computed trait with more rows than a slice, and nothing of another', async () => {
    const workspaceId = await workspaceWithPeople();
    const trait = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'X',
    });
    const pro = await engine.audiences.create(workspaceId, {
      name: 'pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    const free = await engine.audiences.create(workspaceId, {
      name: 'free',
      rule: { trait: 'plan', op: 'eq', value: 'free' },
    });
    if (!trait.ok || !pro.ok || !free.ok) throw new Error('definitions');
    // More rows than two slices remove (2,000 each), written as the stages would.
    const many = Array.from({ length: 4_500 }, (_, i) => `prf_many_${i}`);
    for (let i = 0; i < many.length; i += 500) {
      const ids = many.slice(i, i + 500);
      await engine.store.db
        .insertInto('audience_members')
        .values(
          ids.map((profile_id) => ({
            workspace_id: workspaceId,
            audience_id: pro.value.id,
            profile_id,
            entered_at: '2026-12-06T00:00:00.000Z',
            exited_at: null,
          })),
        )
        .execute();
      await engine.store.db
        .insertInto('computed_trait_values')
        .values(
          ids.map((profile_id) => ({
            workspace_id: workspaceId,
            trait_id: trait.value.id,
            profile_id,
            state: '{}',
            value: '0',
            expires_at: null,
          })),
        )
        .execute();
    }
    const rowsOf = async (
      table: 'audience_members' | 'computed_trait_values',
      column: 'audience_id' | 'trait_id',
      id: string,
    ) =>
      Number(
        (
          await engine.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', workspaceId)
            .where(column, '=', id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await rowsOf('audience_members', 'audience_id', pro.value.id)).toBe(4_515);

    await engine.audiences.delete(workspaceId, pro.value.id);
    await engine.computedTraits.delete(workspaceId, trait.value.id);
    expect(await rowsOf('audience_members', 'audience_id', pro.value.id)).toBe(0);
    expect(await rowsOf('computed_trait_values', 'trait_id', trait.value.id)).toBe(0);
    expect(await rowsOf('audience_members', 'audience_id', free.value.id)).toBe(15);
    await expect(engine.audiences.get(workspaceId, pro.value.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('keeps an audience a destination or a journey reads, naming them, and deletes it once they let go', async () => {
    const workspaceId = await workspaceWithPeople();
    const pro = await engine.audiences.create(workspaceId, {
      name: 'pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error('audience');
    const destination = await engine.destinations.create(workspaceId, {
      name: 'Ads',
      type: 'webhook',
      config: { url: 'https://ads.example.com/hook' },
      subscriptions: [{ kind: 'audience', audienceId: pro.value.id }],
    });
    if (!destination.ok) throw new Error(JSON.stringify(destination.error));
    const journey = await engine.journeys.create(workspaceId, {
      name: 'Welcome pros',
      entry: { kind: 'audience_entered', audienceId: pro.value.id },
      steps: [{ id: 'wait', kind: 'delay', duration: '1d' }],
    } as Parameters<typeof engine.journeys.create>[1]);
    await expect(engine.audiences.delete(workspaceId, pro.value.id)).rejects.toMatchObject({
      code: 'conflict',
      message:
        'The audience "pro" cannot be deleted: destination "Ads", journey "Welcome pros" read it. Change them first.',
    });
    await engine.destinations.delete(workspaceId, destination.value.id);
    await engine.journeys.update(workspaceId, journey.id, {
      entry: { kind: 'event', event: 'Signed Up' },
    } as Parameters<typeof engine.journeys.update>[2]);
    await engine.audiences.delete(workspaceId, pro.value.id);
    await expect(engine.audiences.get(workspaceId, pro.value.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
