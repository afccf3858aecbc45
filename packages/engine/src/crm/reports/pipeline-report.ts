import type { Pipeline, PipelineReport } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/** Open deals of a pipeline by stage: count, amount, and amount weighted by the stage's probability. */
export async function pipelineReport(
  db: Kysely<Database>,
  workspaceId: string,
  pipeline: Pipeline,
): Promise<PipelineReport> {
  const rows = await db
    .selectFrom('crm_deals')
    .select(({ fn }) => [
      'stage_id',
      fn.countAll<number>().as('count'),
      fn.sum<number>('amount').as('amount'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('pipeline_id', '=', pipeline.id)
    .where('status', '=', 'open')
    .groupBy('stage_id')
    .execute();
  const byStage = new Map(rows.map((row) => [row.stage_id, row]));
  const stages = pipeline.stages.map((stage) => {
    const row = byStage.get(stage.id);
    const amount = Number(row?.amount ?? 0);
    return {
      stageId: stage.id,
      name: stage.name,
      count: Number(row?.count ?? 0),
      amount,
      weightedAmount: roundCents((amount * stage.probability) / 100),
    };
  });
  return {
    pipelineId: pipeline.id,
    stages,
    totals: {
      count: stages.reduce((sum, s) => sum + s.count, 0),
      amount: roundCents(stages.reduce((sum, s) => sum + s.amount, 0)),
      weightedAmount: roundCents(stages.reduce((sum, s) => sum + s.weightedAmount, 0)),
    },
  };
}

/** Money as reports show it: to the cent, without floating-point dust. */
export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
