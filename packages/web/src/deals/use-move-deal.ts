import type { Deal, Pipeline, PipelineReport } from '@tandem/contract';
import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import type { Page } from '../api/api-client';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, dealsQueryKey, reportKey, stageDealsKey } from './deals-api';

type Move = { deal: Deal; toStageId: string };
type Columns = InfiniteData<Page<Deal>>;

/**
 * Moves a deal to another stage at once on the board (its card and the columns' totals), then
 * asks the server; a refusal puts everything back where it was.
 */
export function useMoveDeal(pipeline: Pipeline) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const workspaceId = session.workspace.id;
  const totalsKey = reportKey(workspaceId, 'pipeline', pipeline.id);

  return useMutation({
    mutationFn: ({ deal, toStageId }: Move) => dealsApi.update({ id: deal.id, stageId: toStageId }),
    onMutate: async ({ deal, toStageId }: Move) => {
      const fromKey = stageDealsKey(workspaceId, deal.stageId);
      const toKey = stageDealsKey(workspaceId, toStageId);
      await Promise.all(
        [fromKey, toKey, totalsKey].map((queryKey) => queryClient.cancelQueries({ queryKey })),
      );
      const before = {
        from: queryClient.getQueryData<Columns>(fromKey),
        to: queryClient.getQueryData<Columns>(toKey),
        totals: queryClient.getQueryData<PipelineReport>(totalsKey),
      };
      const moved = { ...deal, stageId: toStageId };
      queryClient.setQueryData<Columns>(fromKey, (data) => data && withoutDeal(data, deal.id));
      queryClient.setQueryData<Columns>(toKey, (data) => data && withDealFirst(data, moved));
      queryClient.setQueryData<PipelineReport>(
        totalsKey,
        (report) => report && movedTotals(report, pipeline, move(deal, toStageId)),
      );
      return { fromKey, toKey, before };
    },
    onError: (_error, _move, context) => {
      if (!context) return;
      queryClient.setQueryData(context.fromKey, context.before.from);
      queryClient.setQueryData(context.toKey, context.before.to);
      queryClient.setQueryData(totalsKey, context.before.totals);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: dealsQueryKey(workspaceId) }),
  });
}

function move(deal: Deal, toStageId: string) {
  return { fromStageId: deal.stageId, toStageId, amount: deal.amount };
}

function withoutDeal(data: Columns, dealId: string): Columns {
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, data: page.data.filter((d) => d.id !== dealId) })),
  };
}

function withDealFirst(data: Columns, deal: Deal): Columns {
  const [first, ...rest] = data.pages;
  if (!first) return data;
  return {
    ...data,
    pages: [{ ...first, data: [deal, ...first.data.filter((d) => d.id !== deal.id)] }, ...rest],
  };
}

function movedTotals(
  report: PipelineReport,
  pipeline: Pipeline,
  { fromStageId, toStageId, amount }: { fromStageId: string; toStageId: string; amount: number },
): PipelineReport {
  const probability = new Map(pipeline.stages.map((s) => [s.id, s.probability]));
  const stages = report.stages.map((stage) => {
    const sign = stage.stageId === toStageId ? 1 : stage.stageId === fromStageId ? -1 : 0;
    if (sign === 0) return stage;
    return {
      ...stage,
      count: stage.count + sign,
      amount: stage.amount + sign * amount,
      weightedAmount: stage.weightedAmount + (sign * amount * (probability.get(stage.stageId) ?? 0)) / 100,
    };
  });
  const weightedAmount = stages.reduce((sum, s) => sum + s.weightedAmount, 0);
  return { ...report, stages, totals: { ...report.totals, weightedAmount } };
}
