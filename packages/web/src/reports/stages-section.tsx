import { Group, Progress, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { QueryState } from '../shared/query-state';
import { ReportSection } from './report-section';

/** Each stage's configured probability beside the one this workspace's history shows, and conversion. */
export function StagesSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const stages = useQuery({
    queryKey: reportKey(session.workspace.id, 'stages', pipelineId),
    queryFn: () => dealsApi.stages(pipelineId),
  });
  return (
    <ReportSection
      title="Stage probabilities and conversion"
      description="Learned probability: of the closed deals that passed through a stage, the share won. Conversion: of the deals that entered a stage, the share that reached a later one or were won."
    >
      <QueryState isPending={stages.isPending} error={stages.error} refetch={stages.refetch}>
        {stages.data && (
          <Table aria-label="Stage probabilities" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Stage</Table.Th>
                <Table.Th>Probability: configured / learned</Table.Th>
                <Table.Th>Conversion to the next stage</Table.Th>
                <Table.Th ta="right">Entered</Table.Th>
                <Table.Th ta="right">Closed (won)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stages.data.stages.map((stage) => (
                <Table.Tr key={stage.stageId}>
                  <Table.Td>{stage.name}</Table.Td>
                  <Table.Td w={280}>
                    <Stack gap={4}>
                      <Meter label="Configured" value={stage.configuredProbability} color="gray" />
                      <Meter label="Learned" value={stage.learnedProbability} color="blue" />
                    </Stack>
                  </Table.Td>
                  <Table.Td w={220}>
                    <Meter label="" value={stage.conversionToNext} color="teal" />
                  </Table.Td>
                  <Table.Td ta="right">{stage.entered}</Table.Td>
                  <Table.Td ta="right">
                    {stage.closed} ({stage.won})
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </ReportSection>
  );
}

function Meter({ label, value, color }: { label: string; value: number | null; color: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      {label && (
        <Text size="xs" w={70}>
          {label}
        </Text>
      )}
      <Progress
        value={value ?? 0}
        color={color}
        flex={1}
        aria-label={`${label || 'Conversion'} ${value ?? 'unknown'} %`}
      />
      <Text size="xs" w={60} ta="right">
        {value === null ? 'no data' : `${value} %`}
      </Text>
    </Group>
  );
}
