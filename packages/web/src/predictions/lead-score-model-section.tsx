import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { PredictiveLeadScore } from '@tandem/contract';
import { formatNumber } from './predictions-api';

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The predictive lead score: what it learned (each feature's weight) and how well it is calibrated. */
export function LeadScoreModelSection({ leadScore }: { leadScore: PredictiveLeadScore | null }) {
  return (
    <Paper withBorder p="md" component="section" aria-label="Predictive lead score">
      <Stack gap="sm">
        <Title order={4}>Predictive lead score</Title>
        <Text size="sm" c="dimmed">
          A logistic regression trained on won and lost deals. It reads numeric traits, computed traits and
          engagement (events in the last 30 days) and gives each person the chance, 0–100, that a deal with
          them is won.
        </Text>
        {leadScore === null ? (
          <Text size="sm" role="status">
            No model yet: close at least 3 deals as won and 3 as lost (with a person on each), then refresh.
          </Text>
        ) : (
          <>
            <Text size="sm">
              Trained on {leadScore.won} won and {leadScore.lost} lost deals.
            </Text>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <div>
                <Text size="sm" fw={600}>
                  Feature weights
                </Text>
                <Text size="xs" c="dimmed">
                  Change in log-odds of winning per standard deviation of the feature.
                </Text>
                <Table fz="sm" aria-label="Feature weights">
                  <Table.Tbody>
                    {leadScore.features.map((f) => (
                      <Table.Tr key={f.feature}>
                        <Table.Td>{f.feature}</Table.Td>
                        <Table.Td ta="right" c={f.weight < 0 ? 'red' : 'teal'}>
                          {f.weight > 0 ? '+' : ''}
                          {formatNumber(f.weight, 3)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
              <div>
                <Text size="sm" fw={600}>
                  Calibration
                </Text>
                <Text size="xs" c="dimmed">
                  Closed deals in ten bands of predicted win rate: predicted against what happened.
                </Text>
                <Table fz="sm" aria-label="Calibration table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Decile</Table.Th>
                      <Table.Th ta="right">Deals</Table.Th>
                      <Table.Th ta="right">Predicted</Table.Th>
                      <Table.Th ta="right">Actual</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {leadScore.calibration.map((row) => (
                      <Table.Tr key={row.decile}>
                        <Table.Td>{row.decile}</Table.Td>
                        <Table.Td ta="right">{row.people}</Table.Td>
                        <Table.Td ta="right">{percent(row.predicted)}</Table.Td>
                        <Table.Td ta="right">{percent(row.actual)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
            </SimpleGrid>
          </>
        )}
      </Stack>
    </Paper>
  );
}
