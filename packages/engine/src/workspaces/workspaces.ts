import { RoleSchema, type Workspace } from '@tandem/contract';
import { newId } from '../ids/index.js';
import { nowIso, type Store } from '../store/index.js';

export async function createWorkspace(store: Store, name: string): Promise<Workspace> {
  const row = { workspace_id: newId('workspace'), name, created_at: nowIso() };
  await store.db.insertInto('workspaces').values(row).execute();
  return { id: row.workspace_id, name: row.name, createdAt: row.created_at };
}

export async function workspaceById(store: Store, workspaceId: string): Promise<Workspace | undefined> {
  const row = await store.db
    .selectFrom('workspaces')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row && { id: row.workspace_id, name: row.name, createdAt: row.created_at };
}

/** The workspaces a user belongs to, with the user's role in each, oldest first. */
export async function listWorkspacesOfUser(store: Store, userId: string): Promise<Workspace[]> {
  const rows = await store.db
    .selectFrom('workspaces')
    .innerJoin('memberships', 'memberships.workspace_id', 'workspaces.workspace_id')
    .select(['workspaces.workspace_id', 'workspaces.name', 'workspaces.created_at', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('workspaces.workspace_id')
    .execute();
  return rows.map((r) => ({
    id: r.workspace_id,
    name: r.name,
    createdAt: r.created_at,
    role: RoleSchema.parse(r.role),
  }));
}

/** Whether the store holds no workspace at all (the first start). */
export async function isStoreEmpty(store: Store): Promise<boolean> {
  const row = await store.db.selectFrom('workspaces').select('workspace_id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** The first workspace ever created (the bootstrap "Default"), for operator commands. */
export async function oldestWorkspace(store: Store): Promise<Workspace | undefined> {
  const row = await store.db
    .selectFrom('workspaces')
    .selectAll()
    .orderBy('workspace_id')
    .limit(1)
    .executeTakeFirst();
  return row && { id: row.workspace_id, name: row.name, createdAt: row.created_at };
}
