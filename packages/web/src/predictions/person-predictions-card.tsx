import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { PersonPredictions } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { formatNumber, predictionsApi, predictionsQueryKey } from './predictions-api';

const CHURN_COLORS = { low: 'green', medium: 'orange', high: 'red' } as const;

/** A person's predictions on their page, each with a one-line explanation. */
export function PersonPredictionsCard({ profileId }: { profileId: string }) {
  const { workspace } = useCurrentSession();
  const person = useQuery({
    queryKey: [...predictionsQueryKey(workspace.id), 'person', profileId],
    queryFn: () => predictionsApi.personOf(profileId),
  });
  const predictions = person.data?.predictions;
  return (
    <Paper withBorder p="md" component="section" aria-label="Predictions">
      <Title order={5} mb="xs">
        Predictions
      </Title>
      <QueryState isPending={person.isPending} error={person.error} refetch={person.refetch}>
        {predictions ? (
          <PredictionRows predictions={predictions} />
        ) : (
          <Text size="sm" c="dimmed">
            No predictions for this person yet: they come from their orders and closed deals at the next
            refresh (see Predictions).
          </Text>
        )}
      </QueryState>
    </Paper>
  );
}

function PredictionRows({ predictions: p }: { predictions: PersonPredictions }) {
  const rows: [string, string | null, string][] = [
    [
      'Purchases next 30 days',
      p.expectedPurchases30d === null ? null : formatNumber(p.expectedPurchases30d),
      'Expected number of orders (BG/NBD).',
    ],
    [
      'Purchases next 90 days',
      p.expectedPurchases90d === null ? null : formatNumber(p.expectedPurchases90d),
      'Expected number of orders (BG/NBD).',
    ],
    [
      'P(alive)',
      p.probabilityAlive === null ? null : `${Math.round(p.probabilityAlive * 100)}%`,
      'Chance they still buy from you at all.',
    ],
    [
      'Spend per order',
      p.expectedSpend === null ? null : formatNumber(p.expectedSpend),
      'Expected value of their next orders (Gamma-Gamma).',
    ],
    [
      '12-month value',
      p.lifetimeValue12m === null ? null : formatNumber(p.lifetimeValue12m, 0),
      'Expected spend over a year, discounted 1% a month.',
    ],
    [
      'Lead score',
      p.leadScore === null ? null : formatNumber(p.leadScore, 1),
      'Chance (0–100) a deal with them is won, learned from closed deals.',
    ],
  ];
  return (
    <Stack gap="xs">
      {p.churnRisk || p.rfm ? (
        <Text size="sm">
          {p.churnRisk ? (
            <Badge color={CHURN_COLORS[p.churnRisk]} variant="light" mr="xs">
              {p.churnRisk} churn risk
            </Badge>
          ) : null}
          {p.rfm ? (
            <Badge variant="outline" aria-label="RFM segment">
              {p.rfm.segment} · RFM {p.rfm.recency}
              {p.rfm.frequency}
              {p.rfm.monetary}
            </Badge>
          ) : null}
        </Text>
      ) : null}
      <Table fz="sm" verticalSpacing={4} aria-label="Person predictions">
        <Table.Tbody>
          {rows
            .filter(([, value]) => value !== null)
            .map(([label, value, why]) => (
              <Table.Tr key={label}>
                <Table.Td>
                  {label}
                  <Text size="xs" c="dimmed">
                    {why}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" fw={600}>
                  {value}
                </Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {p.purchases} purchases
        {p.daysSinceLastPurchase === null ? '' : `, the last ${p.daysSinceLastPurchase} days ago`}.
      </Text>
    </Stack>
  );
}
