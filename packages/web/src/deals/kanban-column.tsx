import { useDroppable } from '@dnd-kit/core';
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { Deal, Stage } from '@tandem/contract';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { DealCard } from './deal-card';
import { dealsApi, stageDealsKey } from './deals-api';
import { formatAmount } from './format-money';

export type StageTotals = { count: number; amount: number; weightedAmount: number };

type KanbanColumnProps = {
  stage: Stage;
  totals: StageTotals | undefined;
  canEdit: boolean;
  ownerEmail: (ownerId: string | null) => string | null;
};

/** One stage: its open deals, newest first, 50 at a time, with the stage's totals. */
export function KanbanColumn({ stage, totals, canEdit, ownerEmail }: KanbanColumnProps) {
  const session = useCurrentSession();
  const deals = usePagedQuery<Deal>(stageDealsKey(session.workspace.id, stage.id), (cursor) =>
    dealsApi.list({ stageId: stage.id, status: 'open' }, cursor),
  );
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-label={`Stage ${stage.name}`}
      withBorder
      radius="md"
      p="sm"
      w={280}
      miw={280}
      bg={isOver ? 'var(--mantine-color-blue-light)' : 'var(--mantine-color-gray-0)'}
      // Tall enough to drop on below its last card.
      mih="calc(100vh - 240px)"
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={4} size="h5">
            {stage.name}
          </Title>
          <Badge variant="light" aria-label={`${totals?.count ?? 0} deals`}>
            {totals?.count ?? 0}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed" data-testid="stage-totals">
          {formatAmount(totals?.amount ?? 0)} total · {formatAmount(totals?.weightedAmount ?? 0)} weighted (
          {stage.probability}%)
        </Text>
        <QueryState isPending={deals.isPending} error={deals.error} refetch={deals.refetch}>
          <Stack gap="xs" mih={80}>
            {deals.items.map((deal) => (
              <DealCard key={deal.id} deal={deal} ownerEmail={ownerEmail(deal.ownerId)} draggable={canEdit} />
            ))}
            {deals.items.length === 0 && (
              <Text size="xs" c="dimmed" ta="center" py="md">
                No open deals
              </Text>
            )}
          </Stack>
          <LoadMoreButton
            hasNextPage={deals.hasNextPage}
            isFetchingNextPage={deals.isFetchingNextPage}
            fetchNextPage={deals.fetchNextPage}
          />
        </QueryState>
      </Stack>
    </Paper>
  );
}
