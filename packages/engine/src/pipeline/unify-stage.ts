import type { Kysely } from 'kysely';
import {
  type Attribution,
  countRejections,
  type EventIdentifiers,
  type Identifier,
  type IdentifierRejection,
  IdentityGraph,
  type IdentityService,
  identifiersOfEvent,
  loadGraphState,
  saveGraph,
} from '../identity/index.js';
import { entriesByWorkspace, type LogEntry, readLogAfter } from '../log/index.js';
import {
  checkpointName,
  leasePartition,
  lockCheckpoint,
  type ProfiledBatch,
  readLeasedWindow,
  SINGLE_PARTITION,
  saveCheckpoint,
} from '../pipeline-runtime/index.js';
import {
  type GroupWrite,
  projectCompanies,
  projectTraits,
  type TraitsDropped,
  type TraitWrite,
} from '../profiles/index.js';
import type { Database, StoreKind } from '../store/index.js';
import { objectOr } from './payload-fields.js';

export const UNIFY_STAGE = 'unify';

/** What a unify batch consumed, handed to the next stage in the same loop (see ProfiledBatch). */
export interface UnifiedBatch extends ProfiledBatch {
  /** Per workspace, the trait names profiles at their bound left out. */
  readonly traitsDropped: readonly WorkspaceTraitsDropped[];
}

/** Trait names a unify batch left out of a workspace's profiles at their bound. */
export interface WorkspaceTraitsDropped extends TraitsDropped {
  readonly workspaceId: string;
}

export interface UnifyBatchOptions {
  readonly kind: StoreKind;
  readonly identity: IdentityService;
  readonly limit: number;
  /** Partitions of the workspaces (PostgreSQL); the batch leases one that no process holds. */
  readonly partitions: number;
  /** Distinct traits a profile holds (default DEFAULT_MAX_TRAITS_PER_PROFILE). */
  readonly maxTraitsPerProfile?: number | undefined;
}

/**
 * One batch of the unify stage, in the caller's transaction: identity (which profile each
 * event belongs to, merges), then traits and companies, then the checkpoint — all or nothing.
 * Returns what it consumed (undefined when nothing was new).
 */
export async function runUnifyBatch(
  db: Kysely<Database>,
  options: UnifyBatchOptions,
): Promise<UnifiedBatch | undefined> {
  const read = options.partitions === 1 ? await readNext(db, options) : await readLeased(db, options);
  if (!read) return undefined;
  const batch: UnifiedBatch & BatchEffects = { ...read, profileOf: new Map(), merges: [], traitsDropped: [] };
  for (const [workspaceId, ofWorkspace] of entriesByWorkspace(read.entries)) {
    await unifyWorkspace(db, options, workspaceId, ofWorkspace, batch);
  }
  await saveCheckpoint(db, checkpointName(UNIFY_STAGE, read.partition), read.to);
  return batch;
}

type UnifyRead = Pick<UnifiedBatch, 'partition' | 'from' | 'to' | 'passed' | 'entries'>;

/** One partition: the next events of the log, the checkpoint row locked (processes take turns). */
async function readNext(
  db: Kysely<Database>,
  { kind, limit }: UnifyBatchOptions,
): Promise<UnifyRead | undefined> {
  const from = await lockCheckpoint(db, kind, UNIFY_STAGE);
  const entries = await readLogAfter(db, kind, from, limit);
  const last = entries.at(-1);
  if (!last) return undefined;
  return { partition: SINGLE_PARTITION, from, to: last.position, passed: entries.length, entries };
}

/** Partitions: the next log window of a partition no other process holds. */
async function readLeased(
  db: Kysely<Database>,
  { limit, partitions }: UnifyBatchOptions,
): Promise<UnifyRead | undefined> {
  const lease = await leasePartition(db, { stage: UNIFY_STAGE, count: partitions });
  if (!lease) return undefined;
  const window = await readLeasedWindow(db, lease, limit);
  if (!window) return undefined;
  return { partition: lease.partition, from: lease.position, ...window };
}

/** What unifying each workspace adds to the batch. */
interface BatchEffects {
  readonly profileOf: Map<number, string>;
  readonly merges: UnifiedBatch['merges'][number][];
  readonly traitsDropped: WorkspaceTraitsDropped[];
}

async function unifyWorkspace(
  db: Kysely<Database>,
  options: UnifyBatchOptions,
  workspaceId: string,
  entries: LogEntry[],
  batch: BatchEffects,
) {
  const { rules, separations } = await options.identity.batchRules(workspaceId, db);
  const found = entries.map((entry) => identifiersOfEvent(entry.event, rules));
  const graph = new IdentityGraph(
    rules,
    await loadGraphState(db, workspaceId, wantedIdentifiers(found)),
    separations,
  );
  const attributions: Attribution[] = [];
  const traitWrites: TraitWrite[] = [];
  const groupWrites: GroupWrite[] = [];
  const rejections: IdentifierRejection[] = [];
  entries.forEach(({ event }, index) => {
    const {
      identifiers,
      previousId,
      rejections: refused,
    } = found[index] ?? { identifiers: [], previousId: null, rejections: [] };
    rejections.push(...refused);
    // Every identifier refused (blocked or invalid): nobody to attribute the event to.
    if (identifiers.length === 0 && previousId === null) return;
    const { timestamp, messageId } = event;
    const profileId = graph.resolve({ eventId: event.id, timestamp, identifiers, previousId });
    attributions.push({ seq: event.seq, profileId, timestamp, event: event.event });
    const traits = objectOr(event.payload.traits);
    if (event.type === 'identify') {
      traitWrites.push({
        profileId,
        traits,
        priority: rules.sourcePriority(event.sourceId),
        timestamp,
        messageId,
      });
    } else if (event.type === 'group' && typeof event.payload.groupId === 'string') {
      groupWrites.push({ profileId, groupId: event.payload.groupId, traits, timestamp });
    }
  });
  const root = (profileId: string) => graph.root(profileId);
  for (const a of attributions) batch.profileOf.set(a.seq, root(a.profileId));
  for (const m of graph.merges)
    batch.merges.push({ workspaceId, survivorId: root(m.survivorId), mergedId: m.profileId });
  await saveGraph(db, workspaceId, graph, attributions);
  const dropped = await projectTraits(db, workspaceId, {
    writes: traitWrites.map((w) => ({ ...w, profileId: root(w.profileId) })),
    folds: graph.merges,
    root,
    maxTraits: options.maxTraitsPerProfile,
  });
  if (dropped.traits > 0) batch.traitsDropped.push({ workspaceId, ...dropped });
  await projectCompanies(db, workspaceId, { groups: groupWrites, folds: graph.merges, root });
  await countRejections(db, workspaceId, rejections);
}

/** Identifiers whose stored profiles the batch needs; an alias's previous id may be either kind. */
function wantedIdentifiers(found: readonly EventIdentifiers[]): Identifier[] {
  const wanted: Identifier[] = [];
  for (const { identifiers, previousId } of found) {
    wanted.push(...identifiers);
    if (previousId !== null)
      wanted.push({ type: 'user_id', value: previousId }, { type: 'anonymous_id', value: previousId });
  }
  return wanted;
}
