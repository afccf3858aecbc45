import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import {
  type ComputedTraitsService,
  type ProfiledEvent,
  propertiesOf,
  refreshExpired,
  SEGMENT_STAGE,
} from '../computed-traits/index.js';
import { type LogPosition, readLogAfter } from '../log/index.js';
import { lockCheckpoint, readCheckpoint, saveCheckpoint, UNIFY_STAGE } from '../pipeline/index.js';
import type { Database, Store } from '../store/index.js';
import { evaluateProfiles } from './audience-evaluation.js';
import type { AudienceEvents } from './audience-events.js';
import type { AudiencesService } from './audiences-service.js';
import type { MembershipChange } from './membership-changes.js';

export interface SegmentStageOptions {
  readonly batchSize?: number | undefined;
  /** How often (ms) the idle loop looks for unified events and due re-checks. Default 5. */
  readonly pollMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
}

/**
 * The log's consumer after unify, with its own checkpoint (`segment`): folds each event into
 * computed traits, re-evaluates the touched profiles against every audience in memory, and on
 * each turn re-checks what time alone changes (expired trait buckets, due window edges).
 */
export class SegmentStage {
  private running = false;
  private loop: Promise<void> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(changes: readonly MembershipChange[]) => void>();

  constructor(
    private readonly store: Store,
    private readonly deps: {
      computedTraits: ComputedTraitsService;
      audiences: AudiencesService;
      events: AudienceEvents;
      clock: () => number;
    },
    private readonly options: SegmentStageOptions = {},
  ) {}

  /** Called with each batch of membership changes once recorded (benchmarks, tests). */
  onChanges(listener: (changes: readonly MembershipChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One batch of unified events, then the due re-checks; resolves to the events consumed. */
  runBatch(): Promise<number> {
    const result = this.turn.catch(() => undefined).then(() => this.batch());
    this.turn = result;
    return result;
  }

  /**
   * After a rebuild of the profiles: recompute computed traits from the log and re-evaluate
   * audiences. Memberships are kept (profile ids survive a rebuild), so only real changes are
   * appended to the log as Audience Entered / Exited.
   */
  async reset(): Promise<void> {
    const result = this.turn
      .catch(() => undefined)
      .then(() =>
        this.store.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('computed_trait_values').execute();
          await trx.deleteFrom('audience_rechecks').execute();
          await saveCheckpoint(trx, SEGMENT_STAGE, { txid: 0, seq: 0 });
        }),
      );
    this.turn = result.then(() => 0);
    await result;
  }

  /** Runs until every event unify has passed is consumed and nothing is due. */
  async catchUp(): Promise<void> {
    while ((await this.runBatch()) > 0) {}
  }

  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const count = await this.runBatch().catch((error: unknown) => {
          onError(error);
          return 0;
        });
        // Idle: look again soon, but not so often that an idle server keeps a core busy.
        if (count === 0) await delay(this.options.pollMs ?? 20);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.turn.catch(() => undefined);
  }

  private async batch(): Promise<number> {
    const { db, kind } = this.store;
    const now = this.deps.clock();
    const { consumed, changes } = await db.transaction().execute(async (trx) => {
      const position = await lockCheckpoint(trx, kind, SEGMENT_STAGE);
      const unified = await readCheckpoint(trx, UNIFY_STAGE);
      const entries = (await readLogAfter(trx, kind, position, this.options.batchSize ?? 2000)).filter((e) =>
        notAfter(e.position, unified),
      );
      const touched = new Map<string, Set<string>>();
      const touch = (workspaceId: string, profileId: string) =>
        touched.set(workspaceId, (touched.get(workspaceId) ?? new Set()).add(profileId));
      const byWorkspace = new Map<string, number[]>();
      for (const e of entries) {
        const seqs = byWorkspace.get(e.workspaceId) ?? [];
        byWorkspace.set(e.workspaceId, seqs);
        seqs.push(e.event.seq);
      }
      for (const [workspaceId, seqs] of byWorkspace) {
        // A workspace without computed traits or audiences has nothing to keep here: skip its
        // events rather than look up their profiles (most of this stage's cost).
        const [definitions, audiences] = await Promise.all([
          this.deps.computedTraits.definitions(workspaceId, trx),
          this.deps.audiences.compiledAudiences(workspaceId, trx),
        ]);
        if (definitions.length === 0 && audiences.length === 0) continue;
        const profileOf = await profilesOfEvents(trx, workspaceId, seqs);
        const profiled: ProfiledEvent[] = [];
        for (const { workspaceId: ws, event } of entries) {
          const profileId = ws === workspaceId ? profileOf.get(event.seq) : undefined;
          if (profileId === undefined) continue;
          touch(workspaceId, profileId);
          if (event.type === 'track' && event.event !== null) {
            profiled.push({
              profileId,
              seq: event.seq,
              event: event.event,
              timestamp: event.timestamp,
              properties: propertiesOf(event.payload),
            });
          }
        }
        for (const id of await this.deps.computedTraits.apply(trx, workspaceId, profiled))
          touch(workspaceId, id);
      }
      await this.dueRechecks(trx, now, touch);
      const changes: MembershipChange[] = [];
      for (const [workspaceId, ids] of touched) {
        const audiences = await this.deps.audiences.compiledAudiences(workspaceId, trx);
        changes.push(...(await evaluateProfiles({ db: trx, workspaceId, now }, audiences, [...ids])));
      }
      const last = entries.at(-1);
      if (last) await saveCheckpoint(trx, SEGMENT_STAGE, last.position);
      return { consumed: entries.length + (touched.size > 0 && entries.length === 0 ? 1 : 0), changes };
    });
    if (changes.length > 0) {
      for (const listener of this.listeners) listener(changes);
      await this.deps.events.append(changes);
    }
    return consumed;
  }

  /** Time alone: computed-trait buckets leaving their window, audience window edges now due. */
  private async dueRechecks(db: Kysely<Database>, now: number, touch: (ws: string, id: string) => void) {
    const definitions = new Map<string, Awaited<ReturnType<ComputedTraitsService['definitions']>>>();
    const refreshed = await refreshExpired(
      db,
      async (workspaceId, traitId) => {
        if (!definitions.has(workspaceId))
          definitions.set(workspaceId, await this.deps.computedTraits.definitions(workspaceId, db));
        return definitions.get(workspaceId)?.find((d) => d.id === traitId);
      },
      { now, limit: 2000 },
    );
    for (const { workspaceId, profileId } of refreshed) touch(workspaceId, profileId);
    const due = await db
      .selectFrom('audience_rechecks')
      .select(['workspace_id', 'profile_id'])
      .where('due_at', '<=', new Date(now).toISOString())
      .limit(2000)
      .execute();
    for (const row of due) touch(row.workspace_id, row.profile_id);
    // Re-scheduled by the evaluation for profiles still live; a merged-away profile's edge just ends.
    if (due.length > 0)
      await db.deleteFrom('audience_rechecks').where('due_at', '<=', new Date(now).toISOString()).execute();
  }
}

/** The live profile of each event, through identity's event → profile mapping. */
async function profilesOfEvents(db: Kysely<Database>, workspaceId: string, seqs: readonly number[]) {
  const profileOf = new Map<number, string>();
  for (let start = 0; start < seqs.length; start += 1000) {
    // By seq alone (the key); with workspace_id in the filter SQLite picks a per-workspace index scan.
    const rows = await db
      .selectFrom('profile_events')
      .select(['seq', 'profile_id', 'workspace_id'])
      .where('seq', 'in', seqs.slice(start, start + 1000))
      .execute();
    for (const row of rows)
      if (row.workspace_id === workspaceId) profileOf.set(Number(row.seq), row.profile_id);
  }
  return profileOf;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
