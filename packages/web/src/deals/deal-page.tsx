import { Anchor, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { DealDetailsForm } from './deal-details-form';
import { DealOutcome } from './deal-outcome';
import { DealPeople } from './deal-people';
import { useMembers, usePipelines } from './deal-queries';
import { DealStatusBadge } from './deal-status-badge';
import { dealKey, dealsApi } from './deals-api';
import { formatMoney } from './format-money';
import { StageHistoryTable } from './stage-history-table';

/** `/deals/:id`: one deal — its fields, people, outcome and the stages it went through. */
export function DealPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const canEdit = roleAllows(session.role, 'crm:write');
  const deal = useQuery({ queryKey: dealKey(session.workspace.id, id), queryFn: () => dealsApi.get(id) });
  const pipelines = usePipelines();
  const members = useMembers();
  const pipeline = pipelines.data?.data.find((p) => p.id === deal.data?.pipelineId);
  const stage = pipeline?.stages.find((s) => s.id === deal.data?.stageId);

  return (
    <Stack>
      <Anchor
        component={Link}
        to={`/deals?pipeline=${encodeURIComponent(deal.data?.pipelineId ?? '')}`}
        size="sm"
      >
        ← Deals
      </Anchor>
      <QueryState isPending={deal.isPending} error={deal.error} refetch={deal.refetch}>
        {deal.data && (
          <Stack>
            <Group gap="sm">
              <Title order={2}>{deal.data.name}</Title>
              <DealStatusBadge status={deal.data.status} />
            </Group>
            <Text c="dimmed">
              {formatMoney(deal.data.amount, deal.data.currency)} · {pipeline?.name ?? ''} ·{' '}
              {stage?.name ?? ''}
              {deal.data.companyName ? ` · ${deal.data.companyName}` : ''}
            </Text>
            <Grid>
              <Grid.Col span={{ base: 12, md: 7 }}>
                <Stack>
                  <DealDetailsForm
                    key={deal.data.updatedAt}
                    deal={deal.data}
                    pipeline={pipeline}
                    canEdit={canEdit}
                  />
                  <StageHistoryTable history={deal.data.stageHistory} who={members.emailOf} />
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <Stack>
                  <DealOutcome deal={deal.data} canEdit={canEdit} />
                  <DealPeople deal={deal.data} canEdit={canEdit} />
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
