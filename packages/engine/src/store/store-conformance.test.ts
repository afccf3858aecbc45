import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { fromJson, jsonText, toJson } from './dialect.js';
import { isStoreReady, migrate, pendingMigrations } from './migrator.js';

describe.each(ENGINES)('storage conformance on %s', (kind) => {
  let disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });
  async function engine() {
    const opened = await openTestEngine(kind);
    disposers.push(() => opened.dispose());
    return opened;
  }

  it('applies every migration once and is ready afterwards', async () => {
    const { store } = await engine();
    expect(await pendingMigrations(store)).toEqual([]);
    expect(await migrate(store)).toEqual([]);
    expect(await isStoreReady(store)).toBe(true);
  });

  it('refuses a store that a newer release migrated, naming its migrations', async () => {
    const { store } = await engine();
    await sql`insert into tandem_migrations (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      store.db,
    );
    await expect(migrate(store)).rejects.toThrow(/newer Tandem release \(9999-from-the-future\)/);
  });

  it('round-trips JSON documents and reads members with the dialect helper', async () => {
    const { store } = await engine();
    const payload = { traits: { plan: 'pro', seats: 3 }, tags: ['a', 'é'] };
    await store.db
      .insertInto('events')
      .values({
        workspace_id: 'ws_1',
        event_id: 'evt_1',
        source_id: 'src_1',
        message_id: 'm1',
        type: 'identify',
        event: null,
        user_id: 'u1',
        anonymous_id: null,
        timestamp: '2026-01-01T00:00:00.000Z',
        original_timestamp: null,
        sent_at: null,
        received_at: '2026-01-01T00:00:00.000Z',
        payload: toJson({ ...payload, plan: 'pro' }),
      })
      .execute();
    const row = await store.db
      .selectFrom('events')
      .select(['payload', jsonText(kind, 'payload', 'plan').as('plan')])
      .where('workspace_id', '=', 'ws_1')
      .executeTakeFirstOrThrow();
    expect(fromJson(row.payload)).toEqual({ ...payload, plan: 'pro' });
    expect(row.plan).toBe('pro');
  });

  it('upserts the same way on both engines', async () => {
    const { access, store } = await engine();
    const user = await access.accounts.ensureUser({ email: 'a@b.co' });
    const workspace = await store.db
      .insertInto('workspaces')
      .values({ workspace_id: 'ws_up', name: 'W', created_at: new Date().toISOString() })
      .returning('workspace_id')
      .executeTakeFirstOrThrow();
    await access.members.add(workspace.workspace_id, user.id, 'viewer');
    await access.members.add(workspace.workspace_id, user.id, 'sales');
    expect(await access.members.roleOf(workspace.workspace_id, user.id)).toBe('sales');
    const count = await sql<{ n: number }>`select count(*) as n from memberships`.execute(store.db);
    expect(Number(count.rows[0]?.n)).toBe(1);
  });
});
