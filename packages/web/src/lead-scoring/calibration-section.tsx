import { Paper, Progress, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { leadScoringApi, leadScoringQueryKey } from './lead-scoring-api';

/** Score bands against deals won and lost: a score that works shows win rates rising band by band. */
export function CalibrationSection() {
  const { workspace } = useCurrentSession();
  const calibration = useQuery({
    queryKey: [...leadScoringQueryKey(workspace.id), 'calibration'],
    queryFn: leadScoringApi.calibration,
  });
  const data = calibration.data;
  return (
    <Paper withBorder p="md" component="section" aria-label="Calibration">
      <Title order={4}>Calibration</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Closed deals by the current score of the people they were for.
      </Text>
      <QueryState isPending={calibration.isPending} error={calibration.error} refetch={calibration.refetch}>
        {data && !data.dealsConnected ? (
          <Text size="sm">
            Deal outcomes are not available in this workspace, so there is nothing to compare yet.
          </Text>
        ) : null}
        {data?.dealsConnected && data.won + data.lost === 0 ? (
          <Text size="sm">No deal has been won or lost yet: the bands fill in as deals close.</Text>
        ) : null}
        {data?.dealsConnected && data.won + data.lost > 0 ? (
          <Table aria-label="Score bands" maw={720} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Score</Table.Th>
                <Table.Th ta="right">Won</Table.Th>
                <Table.Th ta="right">Lost</Table.Th>
                <Table.Th w={260}>Win rate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.bands.map((band) => (
                <Table.Tr key={band.label}>
                  <Table.Td>{band.label}</Table.Td>
                  <Table.Td ta="right">{band.won}</Table.Td>
                  <Table.Td ta="right">{band.lost}</Table.Td>
                  <Table.Td>
                    {band.winRate === null ? (
                      <Text size="sm" c="dimmed">
                        no closed deals
                      </Text>
                    ) : (
                      <Progress.Root size="lg" aria-label={`Win rate ${band.label}`}>
                        <Progress.Section value={band.winRate * 100} color="teal">
                          <Progress.Label>{Math.round(band.winRate * 100)}%</Progress.Label>
                        </Progress.Section>
                      </Progress.Root>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </QueryState>
    </Paper>
  );
}
