import { Alert, Anchor, Button, Drawer, Group, List, Stack, Text, TextInput } from '@mantine/core';
import type { FunnelQuery } from '@tandem/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ProfileLink } from '../rules/profile-link';
import { QueryState } from '../shared/query-state';
import { insightsApi } from './insights-api';

/** The people who reached the step before `step` and stopped, linked to their profiles, savable as a list. */
export function DroppedPeopleDrawer(props: {
  funnel: FunnelQuery;
  step: number;
  stepName: string;
  onClose: () => void;
}) {
  const { workspace } = useCurrentSession();
  const people = useQuery({
    queryKey: ['insights', workspace.id, 'funnel-dropped', props.funnel, props.step],
    queryFn: () => insightsApi.funnelPeople(props.funnel, props.step, 'dropped'),
  });
  const [name, setName] = useState(`Dropped before ${props.stepName}`);
  const save = useMutation({
    mutationFn: () =>
      insightsApi.saveFunnelPeople({ funnel: props.funnel, step: props.step, outcome: 'dropped', name }),
  });
  return (
    <Drawer
      opened
      onClose={props.onClose}
      position="right"
      size="md"
      title={`Dropped before “${props.stepName}”`}
    >
      <QueryState isPending={people.isPending} error={people.error} refetch={people.refetch}>
        {people.data ? (
          <Stack>
            <Text size="sm" c="dimmed">
              {people.data.total.toLocaleString()} people reached the previous step and did not go on
              {people.data.total > people.data.profileIds.length
                ? ` (the first ${people.data.profileIds.length} are listed)`
                : ''}
              .
            </Text>
            <List spacing={4} aria-label="Dropped people">
              {people.data.profileIds.map((profileId) => (
                <List.Item key={profileId}>
                  <ProfileLink profileId={profileId} />
                </List.Item>
              ))}
            </List>
            <Stack gap="xs">
              <Text size="sm" fw={500}>
                Save them as a list, to follow up or target them
              </Text>
              <Group align="flex-end">
                <TextInput
                  label="List name"
                  value={name}
                  onChange={(event) => setName(event.currentTarget.value)}
                  w={240}
                />
                <Button onClick={() => save.mutate()} loading={save.isPending} disabled={name.trim() === ''}>
                  Save as list
                </Button>
              </Group>
              {save.error ? (
                <Alert color="red" role="alert">
                  {errorMessage(save.error)}
                </Alert>
              ) : null}
              {save.data ? (
                <Alert color="green" role="status">
                  Saved {save.data.people.toLocaleString()} people to{' '}
                  <Anchor component={Link} to={`/lists/${encodeURIComponent(save.data.listId)}`}>
                    {save.data.name}
                  </Anchor>
                  .
                </Alert>
              ) : null}
            </Stack>
          </Stack>
        ) : null}
      </QueryState>
    </Drawer>
  );
}
