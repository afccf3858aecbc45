import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { CHURN_THRESHOLDS, type PredictionsOverview } from '@tandem/contract';

const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

/** P(alive) bands, churn risk bands (with their thresholds) and RFM segments with the R × F grid. */
export function PredictionDistributions({ overview }: { overview: PredictionsOverview }) {
  const aliveTotal = overview.probabilityAlive.reduce((sum, b) => sum + b.people, 0);
  const churn = overview.churnRisk;
  const churnTotal = churn.low + churn.medium + churn.high;
  const t = CHURN_THRESHOLDS;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder p="md" component="section" aria-label="P(alive) distribution">
        <Stack gap={6}>
          <Title order={5}>P(alive)</Title>
          <Text size="sm" c="dimmed">
            The chance each customer still buys from you, from how often and how recently they bought.
          </Text>
          {overview.probabilityAlive.map((band) => (
            <Group key={band.from} gap="xs" wrap="nowrap">
              <Text size="xs" w={70}>
                {band.from.toFixed(1)}–{band.to.toFixed(1)}
              </Text>
              <Progress value={pct(band.people, aliveTotal)} style={{ flex: 1 }} aria-hidden />
              <Text size="xs" w={50} ta="right">
                {band.people}
              </Text>
            </Group>
          ))}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Churn risk">
        <Stack gap={6}>
          <Title order={5}>Churn risk</Title>
          <Text size="sm" c="dimmed">
            High: P(alive) below {t.highBelowProbabilityAlive} or no purchase for more than {t.highAfterDays}{' '}
            days. Medium: P(alive) below {t.mediumBelowProbabilityAlive} or no purchase for more than{' '}
            {t.mediumAfterDays} days. Low: everyone else.
          </Text>
          <Table fz="sm" aria-label="Churn bands">
            <Table.Tbody>
              {(
                [
                  ['high', 'red'],
                  ['medium', 'orange'],
                  ['low', 'green'],
                ] as const
              ).map(([band, color]) => (
                <Table.Tr key={band}>
                  <Table.Td w={90}>
                    <Badge color={color} variant="light">
                      {band}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Progress color={color} value={pct(churn[band], churnTotal)} aria-hidden />
                  </Table.Td>
                  <Table.Td ta="right" w={60}>
                    {churn[band]}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="RFM segments">
        <Stack gap={6}>
          <Title order={5}>RFM segments</Title>
          <Text size="sm" c="dimmed">
            Recency, frequency and monetary value scored 1–5 by quintile (5 is best); the segment comes from
            recency and frequency.
          </Text>
          <Table fz="sm" aria-label="Segment counts">
            <Table.Tbody>
              {overview.rfmSegments.map((s) => (
                <Table.Tr key={s.segment}>
                  <Table.Td>{s.segment}</Table.Td>
                  <Table.Td ta="right">{s.people}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Recency by frequency">
        <Stack gap={6}>
          <Title order={5}>Recency × frequency</Title>
          <RfmGrid cells={overview.rfmGrid} />
        </Stack>
      </Paper>
    </SimpleGrid>
  );
}

function RfmGrid({ cells }: { cells: PredictionsOverview['rfmGrid'] }) {
  const count = (r: number, f: number) =>
    cells.find((c) => c.recency === r && c.frequency === f)?.people ?? 0;
  const max = Math.max(1, ...cells.map((c) => c.people));
  return (
    <Table fz="xs" withColumnBorders aria-label="RFM grid" ta="center">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>F \ R</Table.Th>
          {[1, 2, 3, 4, 5].map((r) => (
            <Table.Th key={r} ta="center">
              R{r}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[5, 4, 3, 2, 1].map((f) => (
          <Table.Tr key={f}>
            <Table.Th>F{f}</Table.Th>
            {[1, 2, 3, 4, 5].map((r) => (
              <Table.Td key={r} style={{ background: `rgba(34, 139, 230, ${(0.6 * count(r, f)) / max})` }}>
                {count(r, f)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
