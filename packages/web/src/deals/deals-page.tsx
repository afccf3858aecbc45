import { Button, Group, Menu, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import type { Pipeline } from '@tandem/contract';
import { roleAllows } from '@tandem/contract';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { DealFormModal } from './deal-form-modal';
import { useMembers, usePipelineReport, usePipelines } from './deal-queries';
import { DealsKanban } from './deals-kanban';
import { DealsTable } from './deals-table';
import { formatAmount } from './format-money';
import { OwnerOnlySwitch } from './owner-only-switch';
import { PipelineFormModal } from './pipeline-form-modal';

/** `/deals`: a pipeline's deals as a kanban of its stages, or as a table. */
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
            <DealsTable
              filter={{ pipelineId: pipeline.id }}
              pipelines={list}
              ownerEmail={members.emailOf}
              label={`Deals of ${pipeline.name}`}
              empty="No deals in this pipeline yet."
            />
          ))}
      </QueryState>
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
