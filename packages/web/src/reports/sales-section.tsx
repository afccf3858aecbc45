import { Paper, SimpleGrid, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { useMembers } from '../deals/deal-queries';
import { dealsApi, reportKey } from '../deals/deals-api';
import { formatAmount } from '../deals/format-money';
import { QueryState } from '../shared/query-state';
import { ReportSection } from './report-section';

const percent = (value: number | null) => (value === null ? '—' : `${value} %`);
const amount = (value: number | null) => (value === null ? '—' : formatAmount(value));
const days = (value: number | null) => (value === null ? '—' : `${value} days`);

/** Outcomes of closed deals: win rate, average won deal, sales cycle — overall and per owner. */
export function SalesSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const members = useMembers();
  const sales = useQuery({
    queryKey: reportKey(session.workspace.id, 'sales', pipelineId),
    queryFn: () => dealsApi.sales(pipelineId, null, null),
  });
  const overall = sales.data?.overall;
  return (
    <ReportSection
      title="Win rate and performance"
      description="Closed deals: win rate is won of won and lost; average deal size is the mean won amount; the sales cycle runs from a won deal’s creation to its win."
    >
      <QueryState isPending={sales.isPending} error={sales.error} refetch={sales.refetch}>
        {overall && sales.data && (
          <>
            <SimpleGrid cols={{ base: 2, md: 4 }}>
              <Figure
                label="Win rate"
                value={percent(overall.winRate)}
                detail={`${overall.won} won · ${overall.lost} lost`}
              />
              <Figure
                label="Average deal size"
                value={amount(overall.averageDealSize)}
                detail={`${formatAmount(overall.wonAmount)} won`}
              />
              <Figure label="Sales cycle" value={days(overall.salesCycleDays)} detail="creation to win" />
              <Figure
                label="Open"
                value={formatAmount(overall.openAmount)}
                detail={`${overall.openCount} deals`}
              />
            </SimpleGrid>
            <Table aria-label="Performance by owner" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th ta="right">Open</Table.Th>
                  <Table.Th ta="right">Won</Table.Th>
                  <Table.Th ta="right">Lost</Table.Th>
                  <Table.Th ta="right">Win rate</Table.Th>
                  <Table.Th ta="right">Won amount</Table.Th>
                  <Table.Th ta="right">Average deal</Table.Th>
                  <Table.Th ta="right">Cycle</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sales.data.owners.map((owner) => (
                  <Table.Tr key={owner.ownerId ?? 'nobody'}>
                    <Table.Td>{members.emailOf(owner.ownerId) ?? 'No owner'}</Table.Td>
                    <Table.Td ta="right">
                      {owner.openCount} ({formatAmount(owner.openAmount)})
                    </Table.Td>
                    <Table.Td ta="right">{owner.won}</Table.Td>
                    <Table.Td ta="right">{owner.lost}</Table.Td>
                    <Table.Td ta="right">{percent(owner.winRate)}</Table.Td>
                    <Table.Td ta="right">{formatAmount(owner.wonAmount)}</Table.Td>
                    <Table.Td ta="right">{amount(owner.averageDealSize)}</Table.Td>
                    <Table.Td ta="right">{days(owner.salesCycleDays)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </QueryState>
    </ReportSection>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {detail}
      </Text>
    </Paper>
  );
}
