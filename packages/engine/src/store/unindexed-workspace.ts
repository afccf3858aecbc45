import { sql } from 'kysely';

/**
 * `workspace_id` as a filter no index serves, for statements that find their rows by key
 * (`seq IN (…)`): given a plain `workspace_id = ?` beside the key, SQLite scans the workspace's
 * range of another index instead (a second per chunk at 1M events). Same meaning on both engines.
 */
export const unindexedWorkspaceId = sql<string>`(workspace_id || '')`;
