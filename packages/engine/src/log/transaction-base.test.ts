import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { ENGINES, isolatedStoreOptions } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

// A store restored into another cluster: its events and checkpoints carry transaction ids far
// ahead of this cluster's counter. Simulated by moving the stored ids forward.
const AHEAD = 50_000_000;

describe.skipIf(!ENGINES.includes('postgres'))('a log restored from a cluster ahead of this one', () => {
  let store: Awaited<ReturnType<typeof isolatedStoreOptions>>;
  beforeAll(async () => {
    store = await isolatedStoreOptions('postgres');
  });
  afterAll(() => store.dispose());

  it('orders the events written after the restore after the restored ones, so every stage reads them', async () => {
    const first = await Engine.open(store.options);
    const { id: workspaceId } = await createWorkspace(first.store, 'restored');
    const source = await first.sources.create(workspaceId, { name: 'web' });
    const track = (engine: Engine, userId: string) =>
      engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [{ type: 'identify', userId, traits: { plan: 'pro' } }],
        request: {},
      });
    await track(first, 'before-restore');
    await first.pipeline.catchUp();
    await sql`UPDATE events SET txid = txid + ${AHEAD}`.execute(first.store.db);
    await sql`UPDATE pipeline_checkpoints SET txid = txid + ${AHEAD}`.execute(first.store.db);
    await first.close();

    const reopened = await Engine.open(store.options);
    try {
      await track(reopened, 'after-restore');
      await reopened.pipeline.catchUp();
      expect(await reopened.identity.profileIdOf(workspaceId, 'user_id', 'before-restore')).toEqual(
        expect.any(String),
      );
      expect(await reopened.identity.profileIdOf(workspaceId, 'user_id', 'after-restore')).toEqual(
        expect.any(String),
      );
      const { rows } = await sql<{ restored: string; added: string }>`SELECT
          (SELECT max(txid) FROM events WHERE user_id = 'before-restore')::text AS restored,
          (SELECT max(txid) FROM events WHERE user_id = 'after-restore')::text AS added`.execute(
        reopened.store.db,
      );
      expect(BigInt(rows[0]?.added ?? 0)).toBeGreaterThan(BigInt(rows[0]?.restored ?? 0));

      // A second start finds the log already ahead and leaves the base alone.
      const { rows: before } = await sql<{
        base: string;
      }>`SELECT base::text FROM log_transaction_base`.execute(reopened.store.db);
      const again = await Engine.open(store.options);
      await again.close();
      const { rows: after } = await sql<{
        base: string;
      }>`SELECT base::text FROM log_transaction_base`.execute(reopened.store.db);
      expect(after).toEqual(before);
      expect(BigInt(before[0]?.base ?? 0)).toBeGreaterThan(0n);
    } finally {
      await reopened.close();
    }
  });
});
