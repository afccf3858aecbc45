import type { Kysely } from 'kysely';
import { crmAuditOf } from '../crm/index.js';
import { newId } from '../ids/index.js';
import type { Database } from '../store/index.js';
import { lockedForUpdate, nowIso, type Store, toPortableValue } from '../store/index.js';
import { GENESIS_HASH, linkHash, sha256Hex } from './audit-chain.js';
import { type AuditRecord, contentOf } from './audit-record.js';

// Rows per insert statement: 13 parameters each stays far below both engines' limits.
const INSERT_CHUNK = 500;

/** The chain's head row, created on the first append; on PostgreSQL locked until commit. */
export async function lockedHead(db: Kysely<Database>, kind: Store['kind'], workspaceId: string) {
  await db
    .insertInto('audit_heads')
    .values({
      workspace_id: workspaceId,
      seq: 0,
      hash: GENESIS_HASH,
      anchor_seq: 0,
      anchor_hash: GENESIS_HASH,
      updated_at: nowIso(),
    })
    .onConflict((conflict) => conflict.column('workspace_id').doNothing())
    .execute();
  return db
    .selectFrom('audit_heads')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$call(lockedForUpdate(kind))
    .executeTakeFirstOrThrow();
}

/**
 * What the CRM's own trail says a request changed: each field's value before the first of its
 * entries and after the last (null when the trail has nothing from this request).
 */
async function crmTrailOf(db: Kysely<Database>, record: AuditRecord) {
  const change = record.crmChange;
  if (!change) return undefined;
  const entries = (
    await crmAuditOf(db, {
      workspaceId: record.workspaceId,
      entityType: change.entityType,
      entityId: change.entityId,
      limit: 20,
    })
  )
    .filter(
      (entry) =>
        entry.at >= change.since && (record.actor.kind !== 'user' || entry.actorId === record.actor.id),
    )
    .reverse();
  if (entries.length === 0) return undefined;
  const merged = (pick: (entry: (typeof entries)[number]) => unknown, firstWins: boolean) => {
    const fields: Record<string, unknown> = {};
    for (const entry of firstWins ? [...entries].reverse() : entries) {
      const value = pick(entry);
      if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(fields, value);
    }
    return Object.keys(fields).length > 0 ? fields : null;
  };
  return { before: merged((entry) => entry.before, true), after: merged((entry) => entry.after, false) };
}

/**
 * Appends records to their workspaces' chains in one transaction. Each workspace's head row is
 * locked first (in workspace order, so two processes never wait on each other in a cycle): the
 * next seq and previous hash are read and written under that lock, which keeps each chain one
 * line with any number of server processes.
 */
export async function appendAuditRecords(store: Store, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const byWorkspace = new Map<string, AuditRecord[]>();
  for (const record of records) {
    const list = byWorkspace.get(record.workspaceId) ?? [];
    list.push(record);
    byWorkspace.set(record.workspaceId, list);
  }
  await store.db.transaction().execute(async (trx) => {
    for (const workspaceId of [...byWorkspace.keys()].sort()) {
      const head = await lockedHead(trx, store.kind, workspaceId);
      let seq = head.seq;
      let hash = head.hash;
      const entries: Database['audit_entries'][] = [];
      const contents: Database['audit_contents'][] = [];
      for (const record of byWorkspace.get(workspaceId) ?? []) {
        seq += 1;
        const trail = record.crmChange ? await crmTrailOf(trx, record) : undefined;
        // PostgreSQL refuses NUL in text: the stored text is the one digested.
        const content = JSON.stringify(toPortableValue(contentOf(record, trail)));
        const entry = {
          workspaceId,
          seq,
          entryId: newId('auditEntry'),
          at: record.at,
          actorKind: record.actor.kind,
          actorId: record.actor.id,
          action: record.action,
          method: record.method,
          route: record.route,
          status: record.status,
          contentDigest: sha256Hex(content),
        };
        const previous = hash;
        hash = linkHash(previous, entry);
        entries.push({
          workspace_id: workspaceId,
          seq,
          entry_id: entry.entryId,
          at: entry.at,
          actor_kind: entry.actorKind,
          actor_id: entry.actorId,
          action: entry.action,
          method: entry.method,
          route: entry.route,
          status: entry.status,
          content_digest: entry.contentDigest,
          prev_hash: previous,
          hash,
        });
        contents.push({
          workspace_id: workspaceId,
          seq,
          profile_id: record.profileId,
          content,
          erased_at: null,
        });
      }
      for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('audit_entries')
          .values(entries.slice(i, i + INSERT_CHUNK))
          .execute();
        await trx
          .insertInto('audit_contents')
          .values(contents.slice(i, i + INSERT_CHUNK))
          .execute();
      }
      await trx
        .updateTable('audit_heads')
        .set({ seq, hash, updated_at: nowIso() })
        .where('workspace_id', '=', workspaceId)
        .execute();
    }
  });
}
