import { type Kysely, sql } from 'kysely';
import { SEGMENT_STAGE } from '../computed-traits/index.js';
import { lockCheckpoint, partitionOfWorkspace } from '../pipeline-runtime/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { type CompiledAudience, evaluateProfiles, withRequiredConsent } from './audience-evaluation.js';
import type { AudienceEvents } from './audience-events.js';
import { profilesMeeting } from './rule-query.js';

/** What a full evaluation needs around it. */
export interface FullEvaluationDeps {
  readonly store: Store;
  readonly events: AudienceEvents;
  readonly clock: () => number;
  /** The pipeline's partition count: chunks lock the workspace's segment checkpoint (PostgreSQL). */
  readonly partitions: number;
  /** The largest chunk, in candidate profiles (default 5,000; tests make many small chunks). */
  readonly maxChunk?: number | undefined;
}

/** One full evaluation: the audience as stored when it started (`rule` text, `updatedAt`). */
export interface FullEvaluationRequest {
  readonly workspaceId: string;
  readonly audience: CompiledAudience;
  readonly version: { readonly rule: string; readonly updatedAt: string };
}

/** How it went: changes recorded, write transactions, the longest of them (ms). */
export interface FullEvaluationReport {
  readonly changes: number;
  readonly chunks: number;
  readonly longestChunkMs: number;
  /** The audience was edited or deleted meanwhile: that edit's own evaluation finishes the job. */
  readonly superseded: boolean;
}

// Chunk sizes adapt to keep each write transaction near TARGET_MS: an acknowledgement of ingested
// events may wait for one, and should stay under 50 ms (write transactions: under ~100 ms) even
// when a busy machine stretches a transaction several times.
const TARGET_MS = 10;
const FIRST_CHUNK = 200;
const MIN_CHUNK = 50;
const MAX_CHUNK = 5_000;
const REST_FACTOR = 3;

/**
 * A new or edited rule, evaluated for every profile without holding the write lock for long:
 *
 * 1. From one read snapshot (no write lock), SQL finds the members, and the difference with the
 *    stored members gives the candidates: profiles whose membership the new rule changes.
 * 2. The candidates are applied in chunks, each its own short write transaction that re-evaluates
 *    them in memory (the real-time evaluator, held equal to the SQL one by a property test) on the
 *    current facts and memberships, and records what differs with its Audience Entered / Exited
 *    events. Segment batches run between chunks.
 *
 * Why the result equals a serial evaluation: the rule is stored before the snapshot, in a
 * transaction that waits for a running segment batch (`storeRule` callers lock the checkpoint),
 * so every batch that commits after the snapshot already evaluates its touched profiles with the
 * new rule. (After a computed-trait edit the rule is unchanged: the trait's backfill commits its
 * new values under the same lock before the snapshot.) A profile no batch touches after the
 * snapshot has the facts the snapshot read: the snapshot's verdict for it is right. One a batch
 * touches is re-evaluated by that batch against its current membership, and, when a candidate,
 * again by its chunk on the facts of then; each records a change only against the stored
 * membership, under the lock (SQLite's write lock; on PostgreSQL the workspace's segment
 * checkpoint row, which every batch of its partition holds), so an Entered / Exited event is
 * neither duplicated nor lost.
 */
export async function evaluateInFull(
  deps: FullEvaluationDeps,
  request: FullEvaluationRequest,
): Promise<FullEvaluationReport> {
  const candidates = await candidatesOf(deps.store, request, deps.clock());
  let changes = 0;
  let chunks = 0;
  let longestChunkMs = 0;
  const maxChunk = deps.maxChunk ?? MAX_CHUNK;
  let size = Math.min(FIRST_CHUNK, maxChunk);
  for (let start = 0; start < candidates.length; ) {
    const chunk = candidates.slice(start, start + size);
    let began = 0;
    const recorded = await writeTransaction(deps.store, async (trx) => {
      began = performance.now();
      await lockSegment(trx, deps, request.workspaceId);
      if (!(await stillCurrent(trx, request))) return undefined;
      const scope = { db: trx, workspaceId: request.workspaceId, now: deps.clock() };
      const found = await evaluateProfiles(scope, [request.audience], chunk);
      // The Audience Entered / Exited events commit with the memberships they report.
      await deps.events.appendWithin(trx, found);
      return found.length;
    });
    const ms = performance.now() - began;
    chunks++;
    longestChunkMs = Math.max(longestChunkMs, ms);
    if (recorded === undefined) return { changes, chunks, longestChunkMs, superseded: true };
    changes += recorded;
    start += chunk.length;
    if (ms < TARGET_MS / 2) size = Math.min(maxChunk, size * 2);
    else if (ms > TARGET_MS * 1.5) size = Math.max(Math.min(MIN_CHUNK, maxChunk), Math.floor(size / 2));
    // Rest three times as long as the chunk took: the write lock stays free most of the time, and
    // the pipeline keeps up with the Audience events the chunks append (unifying one costs more
    // than a chunk spends on a profile), in small batches rather than a backlog of thousands.
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(REST_FACTOR * ms)));
  }
  return { changes, chunks, longestChunkMs, superseded: false };
}

/**
 * Waits for the workspace's running segment batch and keeps the next one out until commit
 * (PostgreSQL; SQLite's single writer serializes them anyway).
 */
export async function lockSegment(
  trx: Kysely<Database>,
  deps: { store: Store; partitions: number },
  workspaceId: string,
): Promise<void> {
  if (deps.store.kind !== 'postgres') return;
  await lockCheckpoint(trx, 'postgres', SEGMENT_STAGE, partitionOfWorkspace(workspaceId, deps.partitions));
}

/** The profiles whose stored membership the rule, read from one snapshot, would change. */
async function candidatesOf(store: Store, request: FullEvaluationRequest, now: number): Promise<string[]> {
  const { workspaceId, audience } = request;
  const read = async (db: Kysely<Database>) => {
    const meeting = await profilesMeeting({ db, kind: store.kind, workspaceId, rule: audience.rule, now });
    const members = new Set(
      await withRequiredConsent({ db, workspaceId, now }, audience.requiredPurpose, meeting),
    );
    const stored = await db
      .selectFrom('audience_members')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('audience_id', '=', audience.id)
      .where('exited_at', 'is', null)
      .execute();
    const before = new Set(stored.map((row) => row.profile_id));
    const differing = [...members].filter((id) => !before.has(id));
    for (const id of before) if (!members.has(id)) differing.push(id);
    return differing.sort();
  };
  if (store.kind === 'postgres') {
    return store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(read);
  }
  // SQLite: a deferred read transaction on the connection (held, so nothing else runs on it).
  return store.db.connection().execute(async (connection) => {
    await sql`begin deferred`.execute(connection);
    try {
      return await read(connection);
    } finally {
      await sql`commit`.execute(connection);
    }
  });
}

async function stillCurrent(trx: Kysely<Database>, request: FullEvaluationRequest): Promise<boolean> {
  const row = await trx
    .selectFrom('audiences')
    .select(['rule', 'updated_at'])
    .where('workspace_id', '=', request.workspaceId)
    .where('audience_id', '=', request.audience.id)
    .executeTakeFirst();
  return row?.rule === request.version.rule && row.updated_at === request.version.updatedAt;
}
