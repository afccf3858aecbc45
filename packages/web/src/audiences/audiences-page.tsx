import { Anchor, Badge, Button, EmptyState, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Audience } from '@tandem/contract';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { fromRule, leafCount } from '../rules/rule-model';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { audiencesApi, audiencesQueryKey } from './audiences-api';

export function AudiencesPage() {
  const { workspace } = useCurrentSession();
  const audiences = usePagedQuery([...audiencesQueryKey(workspace.id), 'list'], (cursor) =>
    audiencesApi.list(cursor),
  );
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Audiences</Title>
          <Text c="dimmed">
            Segments of people defined by rules over their traits and events, kept up to date as data arrives.
          </Text>
        </div>
        <Button component={Link} to="/audiences/new">
          New audience
        </Button>
      </Group>
      <QueryState isPending={audiences.isPending} error={audiences.error} refetch={audiences.refetch}>
        {audiences.items.length === 0 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              title="No audiences yet"
              description="An audience is everyone who matches a rule, such as pro customers who ordered twice this month. Build one with pickers, watch how many people match, and connect it to a destination."
            >
              <EmptyState.Actions>
                <Button component={Link} to="/audiences/new">
                  Create your first audience
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <AudiencesTable audiences={audiences.items} />
        )}
        <LoadMoreButton {...audiences} />
      </QueryState>
    </Stack>
  );
}

function AudiencesTable({ audiences }: { audiences: readonly Audience[] }) {
  const { workspace } = useCurrentSession();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Audiences" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Members</Table.Th>
            <Table.Th>Conditions</Table.Th>
            <Table.Th>Updated</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {audiences.map((audience) => (
            <Table.Tr key={audience.id}>
              <Table.Td>
                <Anchor component={Link} to={`/audiences/${encodeURIComponent(audience.id)}`} fw={500}>
                  {audience.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" size="lg">
                  {(audience.memberCount ?? 0).toLocaleString()}
                </Badge>
              </Table.Td>
              <Table.Td>{leafCount(fromRule(audience.rule))}</Table.Td>
              <Table.Td>{formatDate(audience.updatedAt)}</Table.Td>
              <Table.Td ta="right">
                <ConfirmedMutationButton
                  label="Delete"
                  ariaLabel={`Delete ${audience.name}`}
                  question={`Delete the audience “${audience.name}” and its member list? One that other audiences, destinations, journeys or scheduled broadcasts read is kept until they stop reading it.`}
                  confirmLabel="Delete audience"
                  run={() => audiencesApi.remove(audience.id)}
                  invalidates={audiencesQueryKey(workspace.id)}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
