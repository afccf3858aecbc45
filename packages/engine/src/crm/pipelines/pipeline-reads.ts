import type { Pipeline } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/** A workspace's pipelines with their stages in order, oldest pipeline first. */
export async function pipelinesOf(
  db: Kysely<Database>,
  workspaceId: string,
  pipelineId?: string,
): Promise<Pipeline[]> {
  let pipelines = db
    .selectFrom('crm_pipelines')
    .select(['pipeline_id', 'name', 'created_at', 'updated_at'])
    .where('workspace_id', '=', workspaceId);
  let stages = db
    .selectFrom('crm_stages')
    .select(['stage_id', 'pipeline_id', 'name', 'probability', 'position'])
    .where('workspace_id', '=', workspaceId);
  if (pipelineId !== undefined) {
    pipelines = pipelines.where('pipeline_id', '=', pipelineId);
    stages = stages.where('pipeline_id', '=', pipelineId);
  }
  // Pipelines first, then stages: a pipeline seen has its stages committed with it.
  const pipelineRows = await pipelines.orderBy('created_at').orderBy('pipeline_id').execute();
  const stageRows = await stages.orderBy('position').orderBy('stage_id').execute();
  return pipelineRows.map((row) => ({
    id: row.pipeline_id,
    name: row.name,
    stages: stageRows
      .filter((stage) => stage.pipeline_id === row.pipeline_id)
      .map((stage) => ({
        id: stage.stage_id,
        name: stage.name,
        probability: Number(stage.probability),
        position: Number(stage.position),
      })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function pipelineOf(
  db: Kysely<Database>,
  workspaceId: string,
  pipelineId: string,
): Promise<Pipeline | undefined> {
  const [pipeline] = await pipelinesOf(db, workspaceId, pipelineId);
  return pipeline;
}
