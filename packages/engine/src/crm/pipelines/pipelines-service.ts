import type { CreatePipeline, Pipeline, Stage, StageInput, UpdatePipeline } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import { type Database, nowIso, type Store, writeTransaction } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import { pipelineOf, pipelinesOf } from './pipeline-reads.js';

/** The pipeline a workspace starts with, made the first time it reads its pipelines. */
export const DEFAULT_PIPELINE = {
  name: 'Sales',
  stages: [
    { name: 'Qualification', probability: 10 },
    { name: 'Discovery', probability: 25 },
    { name: 'Proposal', probability: 50 },
    { name: 'Negotiation', probability: 75 },
    { name: 'Contract sent', probability: 90 },
  ],
} as const;

/** Pipelines and their ordered stages. */
export class PipelinesService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The workspace's pipelines, oldest first (the default "Sales" one made on first use). */
  async list(workspaceId: string): Promise<Pipeline[]> {
    const pipelines = await pipelinesOf(this.store.db, workspaceId);
    if (pipelines.length > 0) return pipelines;
    await writeTransaction(this.store, (trx) => this.createDefault(trx, workspaceId));
    return pipelinesOf(this.store.db, workspaceId);
  }

  async get(workspaceId: string, pipelineId: string): Promise<Pipeline> {
    const pipeline = await pipelineOf(this.store.db, workspaceId, pipelineId);
    if (!pipeline) throw notFound(pipelineId);
    return pipeline;
  }

  /** The pipeline reports read when none is named: the workspace's first. */
  async defaultPipeline(workspaceId: string): Promise<Pipeline> {
    const [first] = await this.list(workspaceId);
    if (!first) throw new Error('a workspace always has a pipeline after list()');
    return first;
  }

  async create(workspaceId: string, input: CreatePipeline, actorId: string | null): Promise<Pipeline> {
    const at = nowIso(this.clock);
    const pipelineId = newId('pipeline');
    await writeTransaction(this.store, async (trx) => {
      await trx
        .insertInto('crm_pipelines')
        .values({
          workspace_id: workspaceId,
          pipeline_id: pipelineId,
          name: input.name,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await insertStages(trx, workspaceId, pipelineId, input.stages.map(withoutId));
      const after = await pipelineOf(trx, workspaceId, pipelineId);
      await recordCrmAudit(trx, [
        { workspaceId, actorId, entityType: 'pipeline', entityId: pipelineId, action: 'create', after, at },
      ]);
    });
    return this.get(workspaceId, pipelineId);
  }

  /** Renames the pipeline; with `stages`, the whole new stage list (see UpdatePipelineSchema). */
  async update(
    workspaceId: string,
    pipelineId: string,
    patch: UpdatePipeline,
    actorId: string | null,
  ): Promise<Pipeline> {
    const at = nowIso(this.clock);
    await writeTransaction(this.store, async (trx) => {
      const before = await pipelineOf(trx, workspaceId, pipelineId);
      if (!before) throw notFound(pipelineId);
      if (patch.stages) await replaceStages(trx, workspaceId, before, patch.stages);
      await trx
        .updateTable('crm_pipelines')
        .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('pipeline_id', '=', pipelineId)
        .execute();
      const after = await pipelineOf(trx, workspaceId, pipelineId);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'pipeline',
          entityId: pipelineId,
          action: 'update',
          before,
          after,
          at,
        },
      ]);
    });
    return this.get(workspaceId, pipelineId);
  }

  private async createDefault(trx: Kysely<Database>, workspaceId: string): Promise<void> {
    const at = nowIso(this.clock);
    // Ids derived from the workspace's: two first reads at once make it once (the second insert
    // finds it there), and no two workspaces share one.
    const suffix = workspaceId.slice(workspaceId.indexOf('_') + 1);
    const pipelineId = `pipe_${suffix}`;
    const inserted = await trx
      .insertInto('crm_pipelines')
      .values({
        workspace_id: workspaceId,
        pipeline_id: pipelineId,
        name: DEFAULT_PIPELINE.name,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'pipeline_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    await trx
      .insertInto('crm_stages')
      .values(
        DEFAULT_PIPELINE.stages.map((stage, position) => ({
          workspace_id: workspaceId,
          stage_id: `stage_${suffix}${position}`,
          pipeline_id: pipelineId,
          name: stage.name,
          probability: stage.probability,
          position,
        })),
      )
      .execute();
  }
}

/** A workspace's stage, with its pipeline (undefined if there is none). */
export async function stageOf(
  db: Kysely<Database>,
  workspaceId: string,
  stageId: string,
): Promise<(Stage & { pipelineId: string }) | undefined> {
  const row = await db
    .selectFrom('crm_stages')
    .select(['stage_id', 'pipeline_id', 'name', 'probability', 'position'])
    .where('workspace_id', '=', workspaceId)
    .where('stage_id', '=', stageId)
    .executeTakeFirst();
  return row
    ? {
        id: row.stage_id,
        pipelineId: row.pipeline_id,
        name: row.name,
        probability: Number(row.probability),
        position: Number(row.position),
      }
    : undefined;
}

/** Applies a whole new stage list: kept stages updated and moved, new ones added, missing ones removed. */
async function replaceStages(
  trx: Kysely<Database>,
  workspaceId: string,
  pipeline: Pipeline,
  stages: readonly StageInput[],
): Promise<void> {
  const known = new Map(pipeline.stages.map((s) => [s.id, s]));
  const problems = stages
    .map((stage, index) => ({ stage, index }))
    .filter(({ stage }) => stage.id !== undefined && !known.has(stage.id));
  const [unknown] = problems;
  if (unknown)
    throw new AppError('unprocessable', `Invalid stages.${unknown.index}.id: not a stage of this pipeline`, {
      details: problems.map(({ index }) => ({
        path: `stages.${index}.id`,
        message: 'not a stage of this pipeline',
      })),
    });
  const kept = new Set(stages.flatMap((s) => (s.id ? [s.id] : [])));
  const removed = pipeline.stages.filter((s) => !kept.has(s.id));
  if (removed.length > 0) {
    const occupied = await trx
      .selectFrom('crm_deals')
      .select(['stage_id'])
      .where('workspace_id', '=', workspaceId)
      .where(
        'stage_id',
        'in',
        removed.map((s) => s.id),
      )
      .limit(1)
      .executeTakeFirst();
    const stage = occupied && known.get(occupied.stage_id);
    if (stage)
      throw new AppError(
        'conflict',
        `The stage "${stage.name}" still holds deals: move them before removing it`,
      );
    await trx
      .deleteFrom('crm_stages')
      .where('workspace_id', '=', workspaceId)
      .where(
        'stage_id',
        'in',
        removed.map((s) => s.id),
      )
      .execute();
  }
  for (const [position, stage] of stages.entries()) {
    if (!stage.id) continue;
    await trx
      .updateTable('crm_stages')
      .set({ name: stage.name, probability: stage.probability, position })
      .where('workspace_id', '=', workspaceId)
      .where('stage_id', '=', stage.id)
      .execute();
  }
  await insertStages(
    trx,
    workspaceId,
    pipeline.id,
    stages.flatMap((stage, position) => (stage.id ? [] : [{ ...withoutId(stage), position }])),
  );
}

async function insertStages(
  trx: Kysely<Database>,
  workspaceId: string,
  pipelineId: string,
  stages: readonly { name: string; probability: number; position?: number }[],
): Promise<void> {
  if (stages.length === 0) return;
  await trx
    .insertInto('crm_stages')
    .values(
      stages.map((stage, index) => ({
        workspace_id: workspaceId,
        stage_id: newId('stage'),
        pipeline_id: pipelineId,
        name: stage.name,
        probability: stage.probability,
        position: stage.position ?? index,
      })),
    )
    .execute();
}

function withoutId(stage: StageInput): { name: string; probability: number } {
  return { name: stage.name, probability: stage.probability };
}

function notFound(pipelineId: string): AppError {
  return new AppError('not_found', `No pipeline ${pipelineId}`);
}
