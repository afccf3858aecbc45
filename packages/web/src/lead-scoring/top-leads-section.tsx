import { Button, Drawer, Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ProfileLink } from '../rules/profile-link';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { LeadScoreCard } from './lead-score-card';
import { leadScoringApi, leadScoringQueryKey } from './lead-scoring-api';

const SHOWN = 25;
const TOP_LEADS_REFRESH_MS = 5_000;

/** The highest scores, each opening its explanation. */
export function TopLeadsSection() {
  const { workspace } = useCurrentSession();
  const [explained, setExplained] = useState<string | null>(null);
  const leads = useQuery({
    queryKey: [...leadScoringQueryKey(workspace.id), 'top'],
    queryFn: () => leadScoringApi.topLeads(SHOWN),
    // Scores follow every event: the list stays current without a reload, and catches up with a
    // rescore whose end the settings poll may not have seen.
    refetchInterval: TOP_LEADS_REFRESH_MS,
  });
  const list = leads.data?.data ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Top leads">
      <Title order={4} mb="sm">
        Top leads
      </Title>
      <QueryState isPending={leads.isPending} error={leads.error} refetch={leads.refetch}>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nobody scores above 0 yet.
          </Text>
        ) : (
          <Table aria-label="Top leads" maw={820} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th ta="right">Score</Table.Th>
                <Table.Th ta="right">Fit</Table.Th>
                <Table.Th ta="right">Engagement</Table.Th>
                <Table.Th>Scored</Table.Th>
                <Table.Th aria-label="Explain" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((lead) => (
                <Table.Tr key={lead.profileId}>
                  <Table.Td>
                    <ProfileLink profileId={lead.profileId} />
                  </Table.Td>
                  <Table.Td ta="right" fw={700}>
                    {lead.total}
                  </Table.Td>
                  <Table.Td ta="right">{lead.fit}</Table.Td>
                  <Table.Td ta="right">{lead.engagement}</Table.Td>
                  <Table.Td fz="sm">{formatDate(lead.scoredAt)}</Table.Td>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => setExplained(lead.profileId)}>
                      Why?
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <Drawer
        opened={explained !== null}
        onClose={() => setExplained(null)}
        position="right"
        size="md"
        title="Why this score"
      >
        {explained ? <LeadScoreCard profileId={explained} /> : null}
      </Drawer>
    </Paper>
  );
}
