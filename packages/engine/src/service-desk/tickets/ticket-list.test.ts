import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { type InboxQuery, inboxQueries } from './ticket-list.js';

// The inbox must stay fast at a million tickets: every view it offers reads one index range per
// status, in index order, never a sort of all matching tickets. Checked on SQLite's plans (a
// fresh store has no statistics: the plan must be right without them).
describe('the inbox’s queries on sqlite', () => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine('sqlite');
  });
  afterAll(() => engine.dispose());

  const cursor = Buffer.from('2026-01-01T00:00:00.000Z|tick_01').toString('base64url');
  const views: [string, Partial<InboxQuery>, string][] = [
    ['all', {}, 'tickets_by_updated'],
    ['all, next page', { cursor }, 'tickets_by_updated'],
    ['open', { status: 'new,open' }, 'tickets_by_status'],
    ['solved, next page', { status: 'solved,closed', cursor }, 'tickets_by_status'],
    ['mine', { view: 'mine', status: 'new,open,pending,on_hold' }, 'tickets_by_assignee'],
    ['unassigned', { view: 'unassigned', status: 'new,open,pending,on_hold' }, 'tickets_by_assignee'],
    ['a team', { teamId: 'team_1', status: 'new,open' }, 'tickets_by_team'],
    ['a person’s', { profileId: 'prof_1' }, 'tickets_by_profile'],
  ];

  for (const [name, view, index] of views)
    it(`reads the ${name} view from ${index}, in index order`, async () => {
      const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
      const sqlite = engine.store.sqlite;
      if (!sqlite) throw new Error('no SQLite handle');
      const queries = inboxQueries(engine.store.db, workspaceId, { limit: 50, callerId: 'usr_1', ...view });
      expect(queries.length).toBe(view.status?.split(',').length ?? 1);
      for (const query of queries) {
        const { sql, parameters } = query.compile();
        const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[];
        const details = plan.map((p) => p.detail).join('\n');
        expect(details).toContain(`SEARCH tickets USING INDEX ${index} (workspace_id=?`);
        expect(details).not.toMatch(/TEMP B-TREE|SCAN tickets/);
        if (view.cursor) expect(details).toContain('(updated_at,ticket_id)<(?,?)');
      }
    });
});
