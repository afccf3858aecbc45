import { Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { JourneyReport as Report } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { journeysApi, journeysQueryKey } from './journeys-api';
import { stepKindLabel } from './step-kinds';

const REFRESH_MS = 5_000;
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);

/** A journey's report: people through it, the funnel per step, the goal against the holdout, emails. */
export function JourneyReport({ journeyId }: { journeyId: string }) {
  const { workspace } = useCurrentSession();
  const report = useQuery({
    queryKey: [...journeysQueryKey(workspace.id), 'report', journeyId],
    queryFn: () => journeysApi.report(journeyId),
    refetchInterval: REFRESH_MS,
  });
  return (
    <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
      {report.data ? <ReportView report={report.data} /> : null}
    </QueryState>
  );
}

function ReportView({ report }: { report: Report }) {
  const figures: [string, number][] = [
    ['Entered', report.entered],
    ['In progress', report.inProgress],
    ['Completed', report.completed],
    ['Exited', report.exited],
    ['Converted', report.converted],
  ];
  const widest = Math.max(1, report.entered, ...report.steps.map((s) => s.passed + s.current));
  const emailSteps = report.steps.filter((s) => s.email);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, sm: 5 }}>
        {figures.map(([label, value]) => (
          <Paper key={label} withBorder radius="md" p="sm">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {label}
            </Text>
            <Text size="xl" fw={700} aria-label={`${label}: ${value}`}>
              {value.toLocaleString()}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      {report.goal ? (
        <Paper withBorder radius="md" p="md" aria-label="Goal conversion">
          <Title order={5} mb="xs">
            Goal conversion
          </Title>
          <Group gap="xl">
            <div>
              <Text size="xs" c="dimmed">
                In the journey
              </Text>
              <Text fw={700} size="lg">
                {percent(report.goal.journeyRate)}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                Holdout ({report.goal.holdoutConverted} of {report.goal.holdout})
              </Text>
              <Text fw={700} size="lg">
                {percent(report.goal.holdoutRate)}
              </Text>
            </div>
            {report.goal.journeyRate !== null && report.goal.holdoutRate !== null ? (
              <div>
                <Text size="xs" c="dimmed">
                  Lift
                </Text>
                <Text fw={700} size="lg">
                  {((report.goal.journeyRate - report.goal.holdoutRate) * 100).toFixed(1)} points
                </Text>
              </div>
            ) : null}
          </Group>
        </Paper>
      ) : null}
      <Title order={5}>Funnel per step</Title>
      <Table aria-label="Steps" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Step</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th ta="right">Here now</Table.Th>
            <Table.Th ta="right">Passed</Table.Th>
            <Table.Th w="35%" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.steps.map((step) => (
            <Table.Tr key={step.stepId}>
              <Table.Td>{step.stepId}</Table.Td>
              <Table.Td>{stepKindLabel(step.kind)}</Table.Td>
              <Table.Td ta="right">{step.current.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{step.passed.toLocaleString()}</Table.Td>
              <Table.Td>
                <Progress.Root size="lg">
                  <Progress.Section value={(step.passed / widest) * 100} color="blue" />
                  <Progress.Section value={(step.current / widest) * 100} color="cyan" />
                </Progress.Root>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {emailSteps.length > 0 ? (
        <>
          <Title order={5}>Emails</Title>
          <Table aria-label="Emails" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                {['Step', 'Sent', 'Delivered', 'Opened', 'Clicked', 'Unsubscribed', 'Bounced', 'Skipped'].map(
                  (h) => (
                    <Table.Th key={h} ta={h === 'Step' ? undefined : 'right'}>
                      {h}
                    </Table.Th>
                  ),
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {emailSteps.map(({ stepId, email }) =>
                email ? (
                  <Table.Tr key={stepId}>
                    <Table.Td>{stepId}</Table.Td>
                    {[
                      email.sent,
                      email.delivered,
                      email.opened,
                      email.clicked,
                      email.unsubscribed,
                      email.bounced,
                      email.skipped,
                    ].map((n, i) => (
                      <Table.Td key={i} ta="right">
                        {n.toLocaleString()}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ) : null,
              )}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            Opens and clicks count people, not mail proxies or link scanners.
          </Text>
        </>
      ) : null}
    </Stack>
  );
}
