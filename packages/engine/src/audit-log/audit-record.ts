import type { AuditAction } from '@tandem/contract';

/** Who acted, as the audit log names them. */
export interface AuditActor {
  readonly kind: 'user' | 'token' | 'system';
  /** A user id (`usr_…`), a token id, or the system job's name (`retention`). */
  readonly id: string;
}

/** One read or write, as the server (or a job) reports it; appended in the next batch. */
export interface AuditRecord {
  readonly workspaceId: string;
  readonly at: string;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly method: string;
  /** The declared route (`/api/v1/profiles/:id`): ids go in `entityIds`. */
  readonly route: string;
  readonly status: number;
  /** The person read or changed, when known. */
  readonly profileId: string | null;
  readonly entityIds: Readonly<Record<string, string>>;
  readonly before?: unknown;
  readonly after?: unknown;
  /**
   * A CRM record the request changed: its field trail (before / after) written since `since`
   * by this actor is read when the batch is appended, and becomes the entry's before / after.
   */
  readonly crmChange?:
    | { readonly entityType: string; readonly entityId: string; readonly since: string }
    | undefined;
}

/** The personal part of an entry: stored apart, erasable, hashed into the chain as a digest. */
export interface AuditContent {
  readonly profileId: string | null;
  readonly entityIds: Readonly<Record<string, string>>;
  readonly before: unknown;
  readonly after: unknown;
}

export function contentOf(record: AuditRecord, trail?: { before: unknown; after: unknown }): AuditContent {
  return {
    profileId: record.profileId,
    entityIds: record.entityIds,
    before: trail?.before ?? record.before ?? null,
    after: trail?.after ?? record.after ?? null,
  };
}
