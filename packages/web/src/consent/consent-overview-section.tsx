import { Anchor, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { ConsentHistoryTable } from './consent-history-table';
import { useConsentOverview } from './consent-queries';
import { PreferenceLinkButton } from './preference-link-button';

/** The consent center: who granted or withdrew each purpose, the latest decisions, the public page. */
export function ConsentOverviewSection() {
  const session = useCurrentSession();
  const overview = useConsentOverview();
  const labelOf = new Map((overview.data?.purposes ?? []).map((p) => [p.key, p.label]));
  const latest = overview.data?.recent[0];
  return (
    <QueryState isPending={overview.isPending} error={overview.error} refetch={overview.refetch}>
      {overview.data && (
        <Stack gap="lg">
          <Paper withBorder p="md" component="section" aria-label="Decisions per purpose">
            <Title order={4}>Decisions per purpose</Title>
            <Text size="sm" c="dimmed" mb="sm">
              People whose latest decision grants or withdraws each purpose; everyone else follows its
              default.
            </Text>
            <Table aria-label="Decisions per purpose" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Purpose</Table.Th>
                  <Table.Th ta="right">Granted</Table.Th>
                  <Table.Th ta="right">Withdrawn</Table.Th>
                  <Table.Th w="35%" aria-label="Share granted" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {overview.data.purposes.map((purpose) => {
                  const decided = purpose.granted + purpose.withdrawn;
                  return (
                    <Table.Tr key={purpose.key}>
                      <Table.Td>{purpose.label}</Table.Td>
                      <Table.Td ta="right">{purpose.granted.toLocaleString()}</Table.Td>
                      <Table.Td ta="right">{purpose.withdrawn.toLocaleString()}</Table.Td>
                      <Table.Td>
                        {decided > 0 && (
                          <Progress.Root size="md" aria-label={`${purpose.label}: share granted`}>
                            <Progress.Section value={(100 * purpose.granted) / decided} color="green" />
                            <Progress.Section value={(100 * purpose.withdrawn) / decided} color="red" />
                          </Progress.Root>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Paper>
          <Paper withBorder p="md" component="section" aria-label="Recent changes">
            <Title order={4} mb="sm">
              Recent changes
            </Title>
            {overview.data.recent.length === 0 ? (
              <Text size="sm" c="dimmed">
                No one has decided anything yet.
              </Text>
            ) : (
              <ConsentHistoryTable
                history={overview.data.recent}
                labelOf={labelOf}
                label="Recent consent changes"
              />
            )}
          </Paper>
          <Paper withBorder p="md" component="section" aria-label="Public preference page">
            <Title order={4}>The public preference page</Title>
            <Text size="sm" c="dimmed" maw={760} mb="sm">
              Each person has one, with no login: the email topics they receive (
              <Anchor component={Link} to="/email-preferences" size="sm">
                email preferences
              </Anchor>
              ) and these purposes, to grant or withdraw. Every marketing email links to it; a person’s
              Consent tab makes a link to send them. What they choose there is kept with the page’s wording,
              their IP address and browser.
            </Text>
            {latest && roleAllows(session.role, 'profiles:write') && (
              <Group gap="sm">
                <Text size="sm">As the latest person who decided sees it:</Text>
                <PreferenceLinkButton profileId={latest.profileId} />
              </Group>
            )}
          </Paper>
        </Stack>
      )}
    </QueryState>
  );
}
