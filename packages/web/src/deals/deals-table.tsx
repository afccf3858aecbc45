import { Anchor } from '@mantine/core';
import type { Deal, Pipeline } from '@tandem/contract';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { type ListColumn, VirtualTable } from '../views/virtual-table';
import { DealStatusBadge } from './deal-status-badge';
import { type DealFilter, dealsApi, dealsQueryKey } from './deals-api';
import { formatMoney } from './format-money';

/** The table's columns; their keys are the export's. */
export const DEAL_COLUMNS = [
  { key: 'name', label: 'Deal' },
  { key: 'stage', label: 'Stage' },
  { key: 'status', label: 'Status' },
  { key: 'amount', label: 'Amount' },
  { key: 'company', label: 'Company' },
  { key: 'owner_id', label: 'Owner' },
  { key: 'close_date', label: 'Close date' },
  { key: 'created_at', label: 'Created' },
] as const;
export const DEFAULT_DEAL_COLUMNS = [
  'name',
  'stage',
  'status',
  'amount',
  'company',
  'owner_id',
  'close_date',
];

export const DEAL_SORTS = [
  { value: '-amount', label: 'Largest first' },
  { value: 'amount', label: 'Smallest first' },
  { value: 'close_date', label: 'Close date' },
  { value: 'name', label: 'Name A→Z' },
  { value: '-updated_at', label: 'Recently updated' },
];

/** Rows per request: the table loads the next as its end scrolls into sight. */
const TABLE_PAGE_SIZE = 100;

type DealsTableProps = {
  filter: DealFilter;
  /** The keys of the columns shown, in order (every default one without). */
  columns?: readonly string[];
  pipelines: readonly Pipeline[];
  ownerEmail: (ownerId: string | null) => string | null;
  label: string;
  /** Said when there is no deal. */
  empty: string;
};

/** Deals as rows, newest first (or in the filter's sort), every status, virtualized. */
export function DealsTable({ filter, columns, pipelines, ownerEmail, label, empty }: DealsTableProps) {
  const session = useCurrentSession();
  const deals = usePagedQuery<Deal>([...dealsQueryKey(session.workspace.id), 'list', filter], (cursor) =>
    dealsApi.list(filter, cursor, TABLE_PAGE_SIZE),
  );
  const columnKeys = (columns ?? DEFAULT_DEAL_COLUMNS).join(',');
  // Kept while the columns, pipelines and members are the same: unchanged rows are not redrawn.
  const shown = useMemo(() => {
    const stageName = (deal: Deal) =>
      pipelines.find((p) => p.id === deal.pipelineId)?.stages.find((s) => s.id === deal.stageId)?.name ?? '—';
    const all: Record<string, ListColumn<Deal>> = {
      name: {
        key: 'name',
        label: 'Deal',
        render: (deal) => (
          <Anchor component={Link} to={`/deals/${encodeURIComponent(deal.id)}`} fw={500}>
            {deal.name}
          </Anchor>
        ),
      },
      stage: { key: 'stage', label: 'Stage', render: stageName },
      status: { key: 'status', label: 'Status', render: (deal) => <DealStatusBadge status={deal.status} /> },
      amount: {
        key: 'amount',
        label: 'Amount',
        align: 'right',
        render: (deal) => formatMoney(deal.amount, deal.currency),
      },
      company: { key: 'company', label: 'Company', render: (deal) => deal.companyName ?? '—' },
      owner_id: { key: 'owner_id', label: 'Owner', render: (deal) => ownerEmail(deal.ownerId) ?? '—' },
      close_date: { key: 'close_date', label: 'Close date', render: (deal) => deal.closeDate ?? '—' },
      created_at: { key: 'created_at', label: 'Created', render: (deal) => deal.createdAt.slice(0, 10) },
    };
    return columnKeys.split(',').flatMap((key) => all[key] ?? []);
  }, [columnKeys, pipelines, ownerEmail]);
  return (
    <QueryState isPending={deals.isPending} error={deals.error} refetch={deals.refetch}>
      <VirtualTable
        label={label}
        items={deals.items}
        columns={shown}
        rowKey={(deal) => deal.id}
        paging={deals}
        empty={empty}
      />
    </QueryState>
  );
}
