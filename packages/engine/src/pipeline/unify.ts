import type { Kysely } from 'kysely';
import { type IdentityService, resetIdentityGraph } from '../identity/index.js';
import {
  adoptLayout,
  type PipelineStage,
  type Rederivation,
  resetCheckpoints,
  type StageBatch,
} from '../pipeline-runtime/index.js';
import { resetProfileProjections } from '../profiles/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { rederiveUnified } from './unify-rederive.js';
import { runUnifyBatch, UNIFY_STAGE, type UnifiedBatch, type WorkspaceTraitsDropped } from './unify-stage.js';

export interface UnifyStageOptions {
  /** Events per transaction. Default 2,000. */
  readonly batchSize?: number | undefined;
  /** The pipeline's partition count. */
  readonly partitions: number;
  /** Distinct traits a profile holds (see profiles/traits-projection.ts). */
  readonly maxTraitsPerProfile?: number | undefined;
}

/** The first stage: identity (which profile each event belongs to, merges), traits and companies. */
export class UnifyStage implements PipelineStage {
  readonly name = UNIFY_STAGE;
  private readonly dropListeners = new Set<(dropped: WorkspaceTraitsDropped) => void>();

  constructor(
    private readonly store: Store,
    readonly identity: IdentityService,
    private readonly options: UnifyStageOptions,
  ) {}

  prepare(): Promise<void> {
    return writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, UNIFY_STAGE, this.options.partitions),
    );
  }

  processBatch(): Promise<StageBatch> {
    return this.runBatch();
  }

  /** One batch of at most `limit` events; hands the next stage what it unified. */
  async runBatch(limit = this.options.batchSize ?? 2000): Promise<StageBatch & { handOff?: UnifiedBatch }> {
    const batch = await writeTransaction(this.store, (trx) =>
      runUnifyBatch(trx, {
        kind: this.store.kind,
        identity: this.identity,
        limit,
        partitions: this.options.partitions,
        maxTraitsPerProfile: this.options.maxTraitsPerProfile,
      }),
    );
    // Once committed: what the batch dropped is then final.
    if (batch) this.reportDropped(batch.traitsDropped);
    return { consumed: batch?.passed ?? 0, handOff: batch };
  }

  async reset(db: Kysely<Database>): Promise<void> {
    await resetIdentityGraph(db);
    await resetProfileProjections(db);
    await resetCheckpoints(db, UNIFY_STAGE);
  }

  async rederive(db: Kysely<Database>, change: Rederivation): Promise<undefined> {
    const { maxTraitsPerProfile } = this.options;
    await rederiveUnified(db, { identity: this.identity, maxTraitsPerProfile }, change);
    return undefined;
  }

  /**
   * Calls `listener` after each batch that left trait names out of profiles at their bound, once
   * per workspace. Returns unsubscribe.
   */
  onTraitsDropped(listener: (dropped: WorkspaceTraitsDropped) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /** Hands listeners drops recorded here or by the pipeline thread. */
  reportDropped(drops: readonly WorkspaceTraitsDropped[]): void {
    for (const dropped of drops) {
      for (const listener of this.dropListeners) listener(dropped);
    }
  }
}
