import type { Generated } from 'kysely';

// The tables, one section per owning domain. Times are ISO 8601 UTC text on both engines so
// that they compare and sort the same way everywhere.

/** workspaces/ */
export interface WorkspacesTable {
  workspace_id: string;
  name: string;
  created_at: string;
}

/**
 * access/ — a user is a login that can belong to many workspaces, so `users` is the one table
 * without `workspace_id`; what a user may do lives in `memberships`, which is scoped.
 */
export interface UsersTable {
  user_id: string;
  email: string;
  password_hash: string | null;
  created_at: string;
}
export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
}
export interface ApiTokensTable {
  workspace_id: string;
  token_id: string;
  /** The user the token acts for, when a user created it; null for machine tokens. */
  user_id: string | null;
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface SessionsTable {
  workspace_id: string;
  session_id: string;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** sources/ */
export interface SourcesTable {
  workspace_id: string;
  source_id: string;
  name: string;
  write_key: string;
  created_at: string;
  deleted_at: string | null;
}

/** log/ — the append-only event log. `seq` orders the log within the store. */
export interface EventsTable {
  seq: Generated<number>;
  workspace_id: string;
  event_id: string;
  source_id: string;
  message_id: string;
  type: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: string;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string;
  payload: unknown;
}

/** log/ — calls refused by collect/, kept for the source debugger (7 days). */
export interface RejectionsTable {
  seq: Generated<number>;
  workspace_id: string;
  source_id: string;
  code: string;
  message: string;
  payload: string;
  received_at: string;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  sources: SourcesTable;
  events: EventsTable;
  rejections: RejectionsTable;
}
