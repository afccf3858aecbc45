import { Button, Group, Menu, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import type { DealStatus, Pipeline } from '@tandem/contract';
import { roleAllows } from '@tandem/contract';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import {
  equalsFilter,
  filterValue,
  type ListFilterParams,
  type ListView,
  useListView,
} from '../views/use-list-view';
import { ViewBar } from '../views/view-bar';
import { DealFormModal } from './deal-form-modal';
import { DealImportModal } from './deal-import-modal';
import { useMembers, usePipelineReport, usePipelines } from './deal-queries';
import { DealsKanban } from './deals-kanban';
import { DEAL_COLUMNS, DEAL_SORTS, DEFAULT_DEAL_COLUMNS, DealsTable } from './deals-table';
import { formatAmount } from './format-money';
import { OwnerOnlySwitch } from './owner-only-switch';
import { PipelineFormModal } from './pipeline-form-modal';

/** The table's filters in the address (`pipeline`, `status`) and as a saved view's. */
const DEAL_FILTERS: ListFilterParams = {
  names: ['pipeline', 'status'],
  toFilters: (params) => [
    ...equalsFilter(params, 'pipeline', 'pipeline_id'),
    ...equalsFilter(params, 'status', 'status'),
  ],
  fromFilters: (filters) => {
    const params: Record<string, string> = {};
    const pipeline = filterValue(filters, 'pipeline_id');
    const status = filterValue(filters, 'status');
    if (pipeline) params.pipeline = pipeline;
    if (status) params.status = status;
    return params;
  },
};

/** `/deals`: a pipeline's deals as a kanban of its stages, or as a table (with saved views). */
export function DealsPage() {
  const session = useCurrentSession();
  const canEdit = roleAllows(session.role, 'crm:write');
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const list = pipelines.data?.data ?? [];
  const pipeline = list.find((p) => p.id === params.get('pipeline')) ?? list[0];
  const view = params.get('view') === 'table' ? 'table' : 'board';
  const report = usePipelineReport(pipeline?.id ?? null);
  const members = useMembers();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  // The pipeline being edited; null: a new one.
  const [editing, setEditing] = useState<Pipeline | null | undefined>(undefined);
  const setParam = (name: string, value: string) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set(name, value);
      return next;
    });

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={2}>Deals</Title>
          {report.data && (
            <Text size="sm" c="dimmed" data-testid="pipeline-totals">
              {report.data.totals.count === 1 ? '1 open deal' : `${report.data.totals.count} open deals`} ·{' '}
              {formatAmount(report.data.totals.amount)} total ·{' '}
              {formatAmount(report.data.totals.weightedAmount)} weighted
            </Text>
          )}
        </Stack>
        <Group align="flex-end">
          <Select
            label="Pipeline"
            allowDeselect={false}
            data={list.map((p) => ({ value: p.id, label: p.name }))}
            value={pipeline?.id ?? null}
            onChange={(value) => value && setParam('pipeline', value)}
            w={220}
          />
          <SegmentedControl
            aria-label="View"
            value={view}
            onChange={(value) => setParam('view', value)}
            data={[
              { value: 'board', label: 'Board' },
              { value: 'table', label: 'Table' },
            ]}
          />
          {canEdit && (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="default">Pipelines</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {pipeline && <Menu.Item onClick={() => setEditing(pipeline)}>Edit {pipeline.name}</Menu.Item>}
                <Menu.Item onClick={() => setEditing(null)}>New pipeline</Menu.Item>
                {roleAllows(session.role, 'members:manage') && (
                  <>
                    <Menu.Divider />
                    <OwnerOnlySwitch />
                  </>
                )}
              </Menu.Dropdown>
            </Menu>
          )}
          {roleAllows(session.role, 'sources:write') && (
            <Button variant="default" onClick={() => setImporting(true)}>
              Import
            </Button>
          )}
          {canEdit && pipeline && <Button onClick={() => setCreating(true)}>New deal</Button>}
        </Group>
      </Group>
      <QueryState isPending={pipelines.isPending} error={pipelines.error} refetch={pipelines.refetch}>
        {pipeline &&
          (view === 'board' ? (
            <DealsKanban
              pipeline={pipeline}
              report={report.data}
              canEdit={canEdit}
              ownerEmail={members.emailOf}
            />
          ) : (
            <DealsTableWithViews pipeline={pipeline} pipelines={list} ownerEmail={members.emailOf} />
          ))}
      </QueryState>
      <DealImportModal opened={importing} onClose={() => setImporting(false)} />
      {creating && pipeline && <DealFormModal pipeline={pipeline} onClose={() => setCreating(false)} />}
      {editing !== undefined && (
        <PipelineFormModal
          pipeline={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => setParam('pipeline', saved.id)}
        />
      )}
    </Stack>
  );
}

/** The table of a pipeline's deals, with a status filter and saved views. */
function DealsTableWithViews({
  pipeline,
  pipelines,
  ownerEmail,
}: {
  pipeline: Pipeline;
  pipelines: readonly Pipeline[];
  ownerEmail: (ownerId: string | null) => string | null;
}) {
  const [params, setParams] = useSearchParams();
  const view: ListView = useListView('deals', DEAL_FILTERS, DEFAULT_DEAL_COLUMNS);
  const status = (params.get('status') as DealStatus | null) ?? undefined; // checked by the server
  // Saved with the pipeline shown, so the view (and its export) keeps to it.
  const definition = view.definition.filters.some((f) => f.field === 'pipeline_id')
    ? view.definition
    : {
        ...view.definition,
        filters: [
          { field: 'pipeline_id', operator: 'equals' as const, value: pipeline.id },
          ...view.definition.filters,
        ],
      };
  return (
    <Stack>
      <ViewBar
        entity="deals"
        allLabel="All deals"
        view={{ ...view, definition }}
        columns={DEAL_COLUMNS}
        sorts={DEAL_SORTS}
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={[
          { value: 'open', label: 'Open' },
          { value: 'won', label: 'Won' },
          { value: 'lost', label: 'Lost' },
        ]}
        value={status ?? null}
        onChange={(value) =>
          setParams(
            (current) => {
              const next = new URLSearchParams(current);
              if (value) next.set('status', value);
              else next.delete('status');
              return next;
            },
            { replace: true },
          )
        }
        clearable
        w={180}
      />
      <DealsTable
        filter={{ pipelineId: pipeline.id, status, sort: view.sort }}
        columns={view.columns}
        pipelines={pipelines}
        ownerEmail={ownerEmail}
        label={`Deals of ${pipeline.name}`}
        empty={status ? 'No deals with this status in this pipeline.' : 'No deals in this pipeline yet.'}
      />
    </Stack>
  );
}
