import { Group, Paper, Progress, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TicketReport } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { useCrmMembers } from '../people/use-crm-members';
import { SupportSatisfactionCards } from '../satisfaction/support-satisfaction-cards';
import { QueryState } from '../shared/query-state';
import { ticketsApi, ticketsQueryKey } from './tickets-api';
import { useTeams } from './use-ticket-queries';

/** `/support-reports`: ticket volume by day, median first-response and resolution times, by agent and team. */
export function SupportReportsPage() {
  const session = useCurrentSession();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const report = useQuery({
    queryKey: [...ticketsQueryKey(session.workspace.id), 'report', from, to],
    queryFn: () => ticketsApi.report(from || null, to || null),
  });
  return (
    <Stack>
      <Title order={2}>Support metrics</Title>
      <Group>
        <TextInput label="From" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="To" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
      </Group>
      <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
        {report.data && <ReportView report={report.data} />}
      </QueryState>
      <SupportSatisfactionCards from={from} to={to} />
    </Stack>
  );
}

function minutes(value: number | null): string {
  if (value === null) return '—';
  if (value < 1) return '< 1 min';
  if (value < 60) return `${Math.round(value)} min`;
  if (value < 48 * 60) return `${(value / 60).toFixed(1)} h`;
  return `${(value / 1440).toFixed(1)} d`;
}

function ReportView({ report }: { report: TicketReport }) {
  const members = useCrmMembers();
  const teams = useTeams();
  const most = Math.max(1, ...report.volume.map((d) => Math.max(d.opened, d.solved)));
  const teamName = (id: string | null) =>
    id === null ? 'No team' : (teams.data?.data.find((t) => t.id === id)?.name ?? 'Deleted team');
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Tickets opened" value={String(report.totals.tickets)} />
        <Stat label="Solved" value={String(report.totals.solved)} />
        <Stat label="Median first response" value={minutes(report.totals.medianFirstResponseMinutes)} />
        <Stat label="Median resolution" value={minutes(report.totals.medianResolutionMinutes)} />
      </SimpleGrid>
      <Paper withBorder p="sm" component="section" aria-label="Volume by day">
        <Title order={4} mb="xs">
          Volume by day ({report.from} – {report.to})
        </Title>
        <Table aria-label="Volume by day" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={120}>Day</Table.Th>
              <Table.Th>Opened</Table.Th>
              <Table.Th>Solved</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.volume
              .filter((d) => d.opened > 0 || d.solved > 0)
              .map((day) => (
                <Table.Tr key={day.day}>
                  <Table.Td>{day.day}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={(day.opened / most) * 100} w={160} color="orange" />
                      {day.opened}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={(day.solved / most) * 100} w={160} color="green" />
                      {day.solved}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <TimesTable
        label="By agent"
        rows={report.byAgent.map((r) => ({ ...r, name: members.nameOf(r.assigneeId) ?? 'Unassigned' }))}
      />
      <TimesTable label="By team" rows={report.byTeam.map((r) => ({ ...r, name: teamName(r.teamId) }))} />
    </Stack>
  );
}

type TimesRow = TicketReport['totals'] & { name: string };

function TimesTable({ label, rows }: { label: string; rows: TimesRow[] }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={label}>
      <Title order={4} mb="xs">
        {label}
      </Title>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th ta="right">Tickets</Table.Th>
            <Table.Th ta="right">Solved</Table.Th>
            <Table.Th ta="right">Median first response</Table.Th>
            <Table.Th ta="right">Median resolution</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.name}>
              <Table.Td>{row.name}</Table.Td>
              <Table.Td ta="right">{row.tickets}</Table.Td>
              <Table.Td ta="right">{row.solved}</Table.Td>
              <Table.Td ta="right">{minutes(row.medianFirstResponseMinutes)}</Table.Td>
              <Table.Td ta="right">{minutes(row.medianResolutionMinutes)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}
