import {
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { Team, UpdateTeam } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { QueryState } from '../shared/query-state';
import { TeamRules } from './team-rules';
import { teamsApi } from './teams-api';

/** `/teams`: who new leads go to — teams, their members (away, capacity) and the workspace's settings. */
export function TeamsPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const teams = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'teams'],
    queryFn: teamsApi.list,
  });
  return (
    <Stack>
      <div>
        <Title order={2}>Teams</Title>
        <Text c="dimmed" maw={760}>
          Teams hand out leads: in turn (skipping members who are away or at capacity), or by rules first.
          Every assignment is recorded as a change of owner on the person’s timeline.
        </Text>
      </div>
      <LeadSettings teams={teams.data?.data ?? []} />
      <QueryState isPending={teams.isPending} error={teams.error} refetch={teams.refetch}>
        {(teams.data?.data ?? []).map((team) => (
          <TeamCard key={team.id + team.updatedAt} team={team} />
        ))}
        {teams.data?.data.length === 0 && <Text c="dimmed">No teams yet.</Text>}
      </QueryState>
      {canWrite && <NewTeamForm />}
    </Stack>
  );
}

function useRefreshTeams() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
}

function LeadSettings({ teams }: { teams: readonly Team[] }) {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const refresh = useRefreshTeams();
  const settings = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'settings'],
    queryFn: teamsApi.settings,
  });
  const save = useMutation({ mutationFn: teamsApi.saveSettings, onSuccess: refresh });
  const current = settings.data;
  if (!current) return null;
  return (
    <Paper withBorder p="sm" component="section" aria-label="New leads">
      <Title order={4} mb="xs">
        New leads
      </Title>
      <Group align="flex-end">
        <Select
          label="Assign people created without an owner with"
          placeholder="No team (leave unassigned)"
          data={teams.map((t) => ({ value: t.id, label: t.name }))}
          value={current.assignNewLeadsTo}
          onChange={(assignNewLeadsTo) => save.mutate({ ...current, assignNewLeadsTo })}
          clearable
          disabled={!canWrite}
          w={360}
        />
        <Switch
          label="Link people to the company of their email domain"
          checked={current.linkPeopleByEmailDomain}
          onChange={(event) =>
            save.mutate({ ...current, linkPeopleByEmailDomain: event.currentTarget.checked })
          }
          disabled={!canWrite}
        />
      </Group>
      {save.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(save.error)}
        </Alert>
      )}
    </Paper>
  );
}

function TeamCard({ team }: { team: Team }) {
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const refresh = useRefreshTeams();
  const update = useMutation({
    mutationFn: (patch: UpdateTeam) => teamsApi.update({ teamId: team.id, patch }),
    onSuccess: refresh,
  });
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({ mutationFn: teamsApi.remove, onSuccess: refresh });
  const setMember = (userId: string, change: { away?: boolean; capacity?: number | null }) =>
    update.mutate({ members: team.members.map((m) => (m.userId === userId ? { ...m, ...change } : m)) });
  return (
    <Paper withBorder p="sm" component="section" aria-label={`Team ${team.name}`}>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{team.name}</Title>
        <Group>
          <Text size="sm" c="dimmed">
            {team.strategy === 'rule' ? `Rules first (${team.rules.length}), then in turn` : 'In turn'}
          </Text>
          {canWrite && (
            <ConfirmActionButton
              label="Delete team"
              ariaLabel={`Delete team ${team.name}`}
              question={`Delete the team "${team.name}"? Its members stay; leads already assigned keep their owner.`}
              confirmLabel="Delete"
              opened={confirming}
              onOpenedChange={(opened) => {
                setConfirming(opened);
                if (!opened) remove.reset();
              }}
              pending={remove.isPending}
              error={remove.error}
              onConfirm={() => remove.mutate(team.id)}
            />
          )}
        </Group>
      </Group>
      {team.members.length === 0 ? (
        <Text c="dimmed" size="sm">
          No members: leads stay unassigned.
        </Text>
      ) : (
        <Table aria-label={`Members of ${team.name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Away</Table.Th>
              <Table.Th>Capacity (open leads)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {team.members.map((member) => (
              <Table.Tr key={member.userId}>
                <Table.Td>{members.nameOf(member.userId)}</Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`${members.nameOf(member.userId)} is away`}
                    checked={member.away}
                    onChange={(event) => setMember(member.userId, { away: event.currentTarget.checked })}
                    disabled={!canWrite}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Capacity of ${members.nameOf(member.userId)}`}
                    placeholder="No limit"
                    min={0}
                    w={140}
                    defaultValue={member.capacity ?? ''}
                    onBlur={(event) => {
                      const value = event.currentTarget.value.trim();
                      const capacity = value === '' ? null : Number(value);
                      if (capacity !== member.capacity) setMember(member.userId, { capacity });
                    }}
                    disabled={!canWrite}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {team.strategy === 'rule' && <TeamRules team={team} save={update.mutate} />}
      {update.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(update.error)}
        </Alert>
      )}
    </Paper>
  );
}

function NewTeamForm() {
  const members = useCrmMembers();
  const refresh = useRefreshTeams();
  const [name, setName] = useState('');
  const [userIds, setUserIds] = useState<string[]>([]);
  const [strategy, setStrategy] = useState('round_robin');
  const create = useMutation({
    mutationFn: teamsApi.create,
    onSuccess: async () => {
      setName('');
      setUserIds([]);
      await refresh();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({
      name: name.trim(),
      strategy: strategy === 'rule' ? 'rule' : 'round_robin',
      members: userIds.map((userId) => ({ userId })),
    });
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label="New team">
      <form onSubmit={submit} aria-label="New team">
        <Title order={4} mb="xs">
          New team
        </Title>
        <Group align="flex-end">
          <TextInput
            label="Team name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={220}
          />
          <MultiSelect
            label="Members"
            placeholder="Pick members"
            data={members.options}
            value={userIds}
            onChange={setUserIds}
            w={320}
          />
          <SegmentedControl
            aria-label="How leads are handed out"
            value={strategy}
            onChange={setStrategy}
            data={[
              { value: 'round_robin', label: 'In turn' },
              { value: 'rule', label: 'Rules first' },
            ]}
          />
          <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
            Create team
          </Button>
        </Group>
        {create.error && (
          <Alert color="red" role="alert" mt="xs">
            {errorMessage(create.error)}
          </Alert>
        )}
      </form>
    </Paper>
  );
}
