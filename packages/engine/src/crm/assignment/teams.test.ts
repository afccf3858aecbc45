import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { crmAuditOf } from '../crm-audit.js';

describe.each(ENGINES)('lead assignment on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('keeps the turn between calls, leaves people unassigned when everyone is away, records why', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const people: string[] = [];
    for (const n of [1, 2, 3])
      people.push((await engine.people.create(workspaceId, { userId: `p${n}` }, 'usr_admin')).profileId);
    const team = await engine.teams.create(
      workspaceId,
      { name: 'SDRs', members: [{ userId: 'usr_a' }, { userId: 'usr_b' }] },
      'usr_admin',
    );
    const first = await engine.teams.assign(workspaceId, team.id, [people[0] ?? ''], 'usr_admin');
    const second = await engine.teams.assign(workspaceId, team.id, [people[1] ?? ''], 'usr_admin');
    expect([first, second].map((r) => r.assignments[0]?.ownerId)).toEqual(['usr_a', 'usr_b']);
    await engine.teams.update(
      workspaceId,
      team.id,
      {
        members: [
          { userId: 'usr_a', away: true },
          { userId: 'usr_b', away: true },
        ],
      },
      'usr_admin',
    );
    const none = await engine.teams.assign(workspaceId, team.id, [people[2] ?? ''], null);
    expect(none.assignments).toEqual([{ profileId: people[2], ownerId: null, reason: 'nobody_available' }]);
    expect((await engine.people.get(workspaceId, people[2] ?? '')).ownerId).toBeNull();
    const trail = await crmAuditOf(engine.store.db, { workspaceId, entityType: 'team', entityId: team.id });
    expect(trail.filter((e) => e.action === 'assign').map((e) => e.after)).toEqual([
      { ownerId: 'usr_b', reason: 'round_robin' },
      { ownerId: 'usr_a', reason: 'round_robin' },
    ]);
  });
});
