import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { CsatReport, SlaAttainmentReport } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { useCrmMembers } from '../people/use-crm-members';
import { QueryState } from '../shared/query-state';
import { ticketsQueryKey } from '../tickets/tickets-api';
import { useTeams } from '../tickets/use-ticket-queries';
import { satisfactionApi } from './satisfaction-api';

const percent = (value: number | null) => (value === null ? '—' : `${value}%`);

/** The support reports' CSAT and SLA attainment cards, for the same period as the page. */
export function SupportSatisfactionCards({ from, to }: { from: string; to: string }) {
  const session = useCurrentSession();
  const key = [...ticketsQueryKey(session.workspace.id), 'satisfaction-reports', from, to];
  const csat = useQuery({
    queryKey: [...key, 'csat'],
    queryFn: () => satisfactionApi.csatReport(from || null, to || null),
  });
  const sla = useQuery({
    queryKey: [...key, 'sla'],
    queryFn: () => satisfactionApi.slaAttainment(from || null, to || null),
  });
  const members = useCrmMembers();
  const teams = useTeams();
  const agentName = (id: string | null) => members.nameOf(id) ?? 'Unassigned';
  const teamName = (id: string | null) =>
    id === null ? 'No team' : (teams.data?.data.find((t) => t.id === id)?.name ?? id);
  return (
    <Stack>
      <QueryState isPending={csat.isPending} error={csat.error} refetch={csat.refetch}>
        {csat.data && <CsatCards report={csat.data} agentName={agentName} teamName={teamName} />}
      </QueryState>
      <QueryState isPending={sla.isPending} error={sla.error} refetch={sla.refetch}>
        {sla.data && <SlaCards report={sla.data} agentName={agentName} teamName={teamName} />}
      </QueryState>
    </Stack>
  );
}

type Names = { agentName: (id: string | null) => string; teamName: (id: string | null) => string };

function CsatCards({ report, agentName, teamName }: { report: CsatReport } & Names) {
  const rows = [
    ...report.byAgent.map((r) => ({ ...r, group: 'Agent', name: agentName(r.assigneeId) })),
    ...report.byTeam.map((r) => ({ ...r, group: 'Team', name: teamName(r.teamId) })),
  ];
  return (
    <Paper withBorder p="sm" component="section" aria-label="Customer satisfaction">
      <Title order={4} mb="xs">
        Customer satisfaction (CSAT)
      </Title>
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm">
        <Stat label="Surveys sent" value={String(report.sent)} />
        <Stat label="Answers" value={String(report.totals.responses)} />
        <Stat
          label="Average score"
          value={report.totals.average === null ? '—' : `${report.totals.average} / 5`}
        />
        <Stat label="Satisfied (4–5)" value={percent(report.totals.satisfiedPercent)} />
      </SimpleGrid>
      <Table aria-label="CSAT per agent and team">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>By</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th ta="right">Answers</Table.Th>
            <Table.Th ta="right">Average</Table.Th>
            <Table.Th ta="right">Satisfied</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={`${row.group}-${row.name}`}>
              <Table.Td>{row.group}</Table.Td>
              <Table.Td>{row.name}</Table.Td>
              <Table.Td ta="right">{row.responses}</Table.Td>
              <Table.Td ta="right">{row.average ?? '—'}</Table.Td>
              <Table.Td ta="right">{percent(row.satisfiedPercent)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function SlaCards({ report, agentName, teamName }: { report: SlaAttainmentReport } & Names) {
  const rows = [
    ...report.byAgent.map((r) => ({ ...r, group: 'Agent', name: agentName(r.assigneeId) })),
    ...report.byTeam.map((r) => ({ ...r, group: 'Team', name: teamName(r.teamId) })),
  ];
  return (
    <Paper withBorder p="sm" component="section" aria-label="SLA attainment">
      <Title order={4} mb="xs">
        SLA attainment
      </Title>
      <SimpleGrid cols={{ base: 2, md: 3 }} mb="sm">
        <Stat label="Tickets with an SLA" value={String(report.totals.tickets)} />
        <Stat label="First response met" value={percent(report.totals.firstResponsePercent)} />
        <Stat label="Resolution met" value={percent(report.totals.resolutionPercent)} />
      </SimpleGrid>
      <Table aria-label="SLA attainment per agent and team">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>By</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th ta="right">Tickets</Table.Th>
            <Table.Th ta="right">First response met</Table.Th>
            <Table.Th ta="right">Resolution met</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={`${row.group}-${row.name}`}>
              <Table.Td>{row.group}</Table.Td>
              <Table.Td>{row.name}</Table.Td>
              <Table.Td ta="right">{row.tickets}</Table.Td>
              <Table.Td ta="right">
                {percent(row.firstResponsePercent)} ({row.firstResponseMet}/
                {row.firstResponseMet + row.firstResponseBreached})
              </Table.Td>
              <Table.Td ta="right">
                {percent(row.resolutionPercent)} ({row.resolutionMet}/
                {row.resolutionMet + row.resolutionBreached})
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </div>
  );
}
