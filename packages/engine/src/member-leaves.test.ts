import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { ENGINES, openTestEngine } from './testing/index.js';
import { createWorkspace } from './workspaces/index.js';

// Someone who leaves a workspace is handed nothing new: they leave its teams and the rules naming
// them, their unsolved tickets go back to the Unassigned view, and a journey's task step naming
// them makes a task nobody owns yet. What they own (people, solved tickets) keeps them as owner.
describe.each(ENGINES)('someone leaving a workspace, on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  const password = 'violet kettle orbit 42';
  const user = async (name: string) =>
    (await engine.access.accounts.ensureUser({ email: `${name}-${Math.random()}@example.com`, password })).id;

  it('leaves teams and rules, and gives back unsolved tickets; solved ones keep them', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const leaver = await user('leaver');
    const stayer = await user('stayer');
    await engine.access.members.add(workspaceId, leaver, 'sales');
    await engine.access.members.add(workspaceId, stayer, 'sales');
    const team = await engine.teams.create(
      workspaceId,
      {
        name: 'AEs',
        strategy: 'rule',
        members: [{ userId: leaver }, { userId: stayer }],
        rules: [{ when: 'emailDomain', equals: 'bigcorp.com', userId: leaver }],
      },
      'usr_admin',
    );
    const ticket = (subject: string) =>
      engine.tickets.create(
        workspaceId,
        { subject, email: 'ann@example.com', priority: 'normal', assigneeId: leaver },
        null,
      );
    const open = await ticket('Locked out');
    const solved = await ticket('Invoice');
    await engine.tickets.update(workspaceId, solved.id, { status: 'solved' }, leaver);

    await engine.access.members.remove({ userId: leaver, role: 'sales' }, workspaceId, leaver);

    const after = await engine.teams.get(workspaceId, team.id);
    expect(after.members.map((m) => m.userId)).toEqual([stayer]);
    expect(after.rules).toEqual([]);
    const cfo = await engine.people.create(workspaceId, { email: 'cfo@bigcorp.com' }, 'usr_admin');
    const assigned = await engine.teams.assign(workspaceId, team.id, [cfo.profileId], null);
    expect(assigned.assignments[0]?.ownerId).toBe(stayer);
    expect((await engine.tickets.get(workspaceId, open.id)).assigneeId).toBeNull();
    expect((await engine.tickets.get(workspaceId, solved.id)).assigneeId).toBe(leaver);
  });
});
