import { Anchor, Badge, Button, EmptyState, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ComputedTrait } from '@tandem/contract';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { KIND_LABELS } from './computed-trait-form';
import { computedTraitsApi, computedTraitsQueryKey } from './computed-traits-api';
import { windowLabel } from './window-label';

export function ComputedTraitsPage() {
  const { workspace } = useCurrentSession();
  const traits = usePagedQuery([...computedTraitsQueryKey(workspace.id), 'list'], (cursor) =>
    computedTraitsApi.list(cursor),
  );
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Computed traits</Title>
          <Text c="dimmed">
            Traits Tandem derives from each profile’s events, such as order counts or last seen dates.
          </Text>
        </div>
        <Button component={Link} to="/computed-traits/new">
          New computed trait
        </Button>
      </Group>
      <QueryState isPending={traits.isPending} error={traits.error} refetch={traits.refetch}>
        {traits.items.length === 0 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              title="No computed traits yet"
              description="A computed trait turns events into a value on every profile: orders in the last 30 days, total spend, favourite category. Audiences can then use it like any trait."
            >
              <EmptyState.Actions>
                <Button component={Link} to="/computed-traits/new">
                  Create your first computed trait
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <ComputedTraitsTable traits={traits.items} />
        )}
        <LoadMoreButton {...traits} />
      </QueryState>
    </Stack>
  );
}

function ComputedTraitsTable({ traits }: { traits: readonly ComputedTrait[] }) {
  const { workspace } = useCurrentSession();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Computed traits" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Computes</Table.Th>
            <Table.Th>From event</Table.Th>
            <Table.Th>Window</Table.Th>
            <Table.Th>Updated</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {traits.map((trait) => (
            <Table.Tr key={trait.id}>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/computed-traits/${encodeURIComponent(trait.id)}`}
                  fw={500}
                  ff="monospace"
                >
                  {trait.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {KIND_LABELS[trait.kind]}
                {trait.property ? (
                  <Text span c="dimmed">
                    {' '}
                    · {trait.property}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color="gray" tt="none">
                  {trait.event}
                </Badge>
                {trait.where?.length ? (
                  <Text span size="xs" c="dimmed" ml={6}>
                    {trait.where.length} {trait.where.length === 1 ? 'filter' : 'filters'}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{windowLabel(trait.within)}</Table.Td>
              <Table.Td>{formatDate(trait.updatedAt)}</Table.Td>
              <Table.Td ta="right">
                <ConfirmedMutationButton
                  label="Delete"
                  ariaLabel={`Delete ${trait.name}`}
                  question={`Delete “${trait.name}”? Its values disappear from every profile. A trait an audience or a destination reads is kept until they stop reading it.`}
                  confirmLabel="Delete trait"
                  run={() => computedTraitsApi.remove(trait.id)}
                  invalidates={computedTraitsQueryKey(workspace.id)}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
