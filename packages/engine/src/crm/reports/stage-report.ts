import type { Pipeline, StageReport } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/index.js';

interface StageCounts {
  stage_id: string;
  entered: number | string;
  closed: number | string;
  won: number | string;
  converted: number | string;
}

/**
 * What this workspace's own history says of each stage: of the deals that ever entered it, how
 * many closed and how many were won (the learned probability, beside the configured one), and
 * how many went on to a later stage or were won (conversion to the next stage).
 */
export async function stageReport(
  db: Kysely<Database>,
  workspaceId: string,
  pipeline: Pipeline,
): Promise<StageReport> {
  // Each (deal, stage) once, with the stage's position and the furthest position the deal reached.
  const { rows } = await sql<StageCounts>`
    with stays as (
      select distinct h.deal_id, h.stage_id, s.position
      from crm_deal_stage_history h
      join crm_stages s on s.workspace_id = h.workspace_id and s.stage_id = h.stage_id
      where h.workspace_id = ${workspaceId} and h.pipeline_id = ${pipeline.id}
    ),
    reach as (select deal_id, max(position) as furthest from stays group by deal_id)
    select stays.stage_id,
      count(*) as entered,
      sum(case when d.status <> 'open' then 1 else 0 end) as closed,
      sum(case when d.status = 'won' then 1 else 0 end) as won,
      sum(case when reach.furthest > stays.position or d.status = 'won' then 1 else 0 end) as converted
    from stays
    join reach on reach.deal_id = stays.deal_id
    join crm_deals d on d.workspace_id = ${workspaceId} and d.deal_id = stays.deal_id
    group by stays.stage_id
  `.execute(db);
  const byStage = new Map(rows.map((row) => [row.stage_id, row]));
  return {
    pipelineId: pipeline.id,
    stages: pipeline.stages.map((stage) => {
      const row = byStage.get(stage.id);
      const entered = Number(row?.entered ?? 0);
      const closed = Number(row?.closed ?? 0);
      const won = Number(row?.won ?? 0);
      return {
        stageId: stage.id,
        name: stage.name,
        configuredProbability: stage.probability,
        entered,
        closed,
        won,
        learnedProbability: closed === 0 ? null : percent(won, closed),
        conversionToNext: entered === 0 ? null : percent(Number(row?.converted ?? 0), entered),
      };
    }),
  };
}

function percent(part: number, whole: number): number {
  return Math.round((part / whole) * 1000) / 10;
}
