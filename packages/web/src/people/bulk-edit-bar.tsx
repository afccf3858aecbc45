import { Alert, Button, Group, Paper, Select, TagsInput, Text } from '@mantine/core';
import type { LifecycleStage } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { teamsApi } from '../teams/teams-api';
import { crmQueryKey, peopleApi } from './crm-api';
import { LIFECYCLE_OPTIONS } from './lifecycle-labels';
import { useCrmMembers } from './use-crm-members';

/** Sets the owner or lifecycle stage, and adds or removes tags, of every selected person at once. */
export function BulkEditBar({ profileIds, onDone }: { profileIds: readonly string[]; onDone: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const members = useCrmMembers();
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [stage, setStage] = useState<string | null>(null);
  const [addTags, setAddTags] = useState<string[]>([]);
  const [removeTags, setRemoveTags] = useState<string[]>([]);
  const apply = useMutation({
    mutationFn: peopleApi.bulkUpdate,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
      onDone();
    },
  });
  const nothing = !ownerId && !stage && addTags.length === 0 && removeTags.length === 0;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Edit the selected people">
      <Text fw={500} mb="xs">
        {profileIds.length === 1 ? '1 person selected' : `${profileIds.length} people selected`}
      </Text>
      <Group align="flex-end">
        <Select
          label="Set owner"
          placeholder="Keep"
          data={members.options}
          value={ownerId}
          onChange={setOwnerId}
          clearable
          w={220}
        />
        <Select
          label="Set lifecycle stage"
          placeholder="Keep"
          data={LIFECYCLE_OPTIONS}
          value={stage}
          onChange={setStage}
          clearable
          w={180}
        />
        <TagsInput label="Add tags" value={addTags} onChange={setAddTags} w={200} />
        <TagsInput label="Remove tags" value={removeTags} onChange={setRemoveTags} w={200} />
        <Button
          disabled={nothing}
          loading={apply.isPending}
          onClick={() =>
            apply.mutate({
              profileIds: [...profileIds],
              set: {
                ...(ownerId ? { ownerId } : {}),
                ...(stage ? { lifecycleStage: stage as LifecycleStage } : {}), // one of LIFECYCLE_OPTIONS
              },
              addTags,
              removeTags,
            })
          }
        >
          Apply to selected
        </Button>
        <Button variant="subtle" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      <AssignWithTeam profileIds={profileIds} onDone={onDone} />
      {apply.error && (
        <Alert color="red" role="alert" mt="sm">
          {errorMessage(apply.error)}
        </Alert>
      )}
    </Paper>
  );
}

/** Hands the selected people out to a team's members (in turn, or by its rules). */
function AssignWithTeam({ profileIds, onDone }: { profileIds: readonly string[]; onDone: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const teams = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'teams'],
    queryFn: teamsApi.list,
  });
  const [teamId, setTeamId] = useState<string | null>(null);
  const assign = useMutation({
    mutationFn: teamsApi.assign,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
      onDone();
    },
  });
  if ((teams.data?.data.length ?? 0) === 0) return null;
  return (
    <Group align="flex-end" mt="sm">
      <Select
        label="Assign with team"
        placeholder="Choose a team"
        data={(teams.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        value={teamId}
        onChange={setTeamId}
        w={220}
      />
      <Button
        variant="light"
        disabled={!teamId}
        loading={assign.isPending}
        onClick={() => teamId && assign.mutate({ teamId, profileIds: [...profileIds] })}
      >
        Assign
      </Button>
      {assign.error && (
        <Alert color="red" role="alert">
          {errorMessage(assign.error)}
        </Alert>
      )}
    </Group>
  );
}
