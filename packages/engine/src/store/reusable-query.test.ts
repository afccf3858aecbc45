import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { reusableQuery } from './reusable-query.js';

describe.each(ENGINES)('reusable queries on %s', (kind) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  it('compiles once and runs with each call’s parameters, in whatever order the SQL uses them', async () => {
    const engine = await openTestEngine(kind);
    dispose = () => engine.dispose();
    const { db } = engine.store;
    for (const [id, name] of [
      ['ws_a', 'Alpha'],
      ['ws_b', 'Beta'],
      ['ws_c', 'Gamma'],
    ]) {
      await db
        .insertInto('workspaces')
        .values({ workspace_id: id, name: name ?? '', created_at: '2026-01-01' })
        .execute();
    }
    // The name is the second parameter of the call but the first of the SQL; the limit stays as built.
    const named = reusableQuery((query, id: string, name: string) =>
      query
        .selectFrom('workspaces')
        .select('workspace_id')
        .where('name', '=', name)
        .where('workspace_id', '=', id)
        .limit(5),
    );
    expect(await named(db, 'ws_a', 'Alpha')).toEqual([{ workspace_id: 'ws_a' }]);
    expect(await named(db, 'ws_b', 'Beta')).toEqual([{ workspace_id: 'ws_b' }]);
    expect(await named(db, 'ws_b', 'Alpha')).toEqual([]);
  });

  it('refuses a builder that does not use each placeholder once', async () => {
    const engine = await openTestEngine(kind);
    dispose = () => engine.dispose();
    const unused = reusableQuery((query, _id: string) =>
      query.selectFrom('workspaces').select('workspace_id'),
    );
    await expect(unused(engine.store.db, 'ws_a')).rejects.toThrow(/each placeholder exactly once/);
  });
});
