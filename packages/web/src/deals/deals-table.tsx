import { Anchor, Table, Text } from '@mantine/core';
import type { Deal, Pipeline } from '@tandem/contract';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { DealStatusBadge } from './deal-status-badge';
import { type DealFilter, dealsApi, dealsQueryKey } from './deals-api';
import { formatMoney } from './format-money';

type DealsTableProps = {
  filter: DealFilter;
  pipelines: readonly Pipeline[];
  ownerEmail: (ownerId: string | null) => string | null;
  label: string;
  /** Said when there is no deal. */
  empty: string;
};

/** Deals as rows, newest first, every status, 50 at a time. */
export function DealsTable({ filter, pipelines, ownerEmail, label, empty }: DealsTableProps) {
  const session = useCurrentSession();
  const deals = usePagedQuery<Deal>([...dealsQueryKey(session.workspace.id), 'list', filter], (cursor) =>
    dealsApi.list(filter, cursor),
  );
  const stageName = (deal: Deal) =>
    pipelines.find((p) => p.id === deal.pipelineId)?.stages.find((s) => s.id === deal.stageId)?.name ?? '—';
  return (
    <QueryState isPending={deals.isPending} error={deals.error} refetch={deals.refetch}>
      {deals.items.length === 0 ? (
        <Text c="dimmed">{empty}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label={label} striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Deal</Table.Th>
                <Table.Th>Stage</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>Company</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Close date</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {deals.items.map((deal) => (
                <Table.Tr key={deal.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/deals/${encodeURIComponent(deal.id)}`} fw={500}>
                      {deal.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{stageName(deal)}</Table.Td>
                  <Table.Td>
                    <DealStatusBadge status={deal.status} />
                  </Table.Td>
                  <Table.Td ta="right">{formatMoney(deal.amount, deal.currency)}</Table.Td>
                  <Table.Td>{deal.companyName ?? '—'}</Table.Td>
                  <Table.Td>{ownerEmail(deal.ownerId) ?? '—'}</Table.Td>
                  <Table.Td>{deal.closeDate ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton
        hasNextPage={deals.hasNextPage}
        isFetchingNextPage={deals.isFetchingNextPage}
        fetchNextPage={deals.fetchNextPage}
      />
    </QueryState>
  );
}
