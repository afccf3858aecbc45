import { Alert, Anchor, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import type { ProfileSummary } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { profilesApi } from '../people/people-api';
import { PeopleSearch } from '../people/people-search';
import { useCanWriteCrm } from '../people/use-crm-members';
import { sequencesApi, sequencesQueryKey } from '../sequences/sequences-api';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { listsApi, listsQueryKey } from './lists-api';

/** `/lists/:id`: a list's people — add them from a search, take them off, enroll them all in a sequence. */
export function ListPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = [...listsQueryKey(session.workspace.id), id];
  const list = useQuery({ queryKey: key, queryFn: () => listsApi.get(id) });
  const members = usePagedQuery([...key, 'members'], (cursor) => listsApi.members(id, cursor));
  const refresh = () => queryClient.invalidateQueries({ queryKey: listsQueryKey(session.workspace.id) });
  const remove = useMutation({ mutationFn: listsApi.removeMembers, onSuccess: refresh });
  const removeList = useMutation({
    mutationFn: listsApi.remove,
    onSuccess: async () => {
      await refresh();
      navigate('/lists');
    },
  });
  return (
    <Stack>
      <Anchor component={Link} to="/lists" size="sm">
        ← Lists
      </Anchor>
      <QueryState isPending={list.isPending} error={list.error} refetch={list.refetch}>
        {list.data && (
          <Group justify="space-between">
            <div>
              <Title order={2}>{list.data.name}</Title>
              <Text c="dimmed">
                {list.data.members} {list.data.members === 1 ? 'person' : 'people'}
                {list.data.description ? ` · ${list.data.description}` : ''}
              </Text>
            </div>
            {canWrite && (
              <Button variant="subtle" color="red" onClick={() => removeList.mutate(id)}>
                Delete list
              </Button>
            )}
          </Group>
        )}
      </QueryState>
      {canWrite && <AddPeople listId={id} onAdded={refresh} />}
      {canWrite && <EnrollList listId={id} />}
      <Title order={4}>People on the list</Title>
      <QueryState isPending={members.isPending} error={members.error} refetch={members.refetch}>
        {members.items.length === 0 ? (
          <Text c="dimmed">Nobody on this list yet.</Text>
        ) : (
          <Table aria-label="List members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.items.map((member) => (
                <Table.Tr key={member.profileId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/people/${encodeURIComponent(member.profileId)}`}>
                      {member.name ?? member.email ?? member.profileId}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{member.email ?? '—'}</Table.Td>
                  <Table.Td>{formatDate(member.addedAt)}</Table.Td>
                  <Table.Td>
                    {canWrite && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${member.email ?? member.profileId}`}
                        onClick={() => remove.mutate({ listId: id, profileIds: [member.profileId] })}
                      >
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...members} />
      </QueryState>
      {(remove.error ?? removeList.error) && (
        <Alert color="red" role="alert">
          {errorMessage(remove.error ?? removeList.error)}
        </Alert>
      )}
    </Stack>
  );
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
const summaryEmail = (p: ProfileSummary) =>
  text(p.traits.email) ?? p.identities.find((i) => i.type === 'email')?.value ?? null;

/** Finds people by identifier or trait and adds them one click each. */
function AddPeople({ listId, onAdded }: { listId: string; onAdded: () => unknown }) {
  const session = useCurrentSession();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['profiles', session.workspace.id, 'list-search', q],
    queryFn: () => profilesApi.list(q, null),
    enabled: q !== '',
  });
  const add = useMutation({ mutationFn: listsApi.addMembers, onSuccess: onAdded });
  return (
    <Paper withBorder p="sm" component="section" aria-label="Add people">
      <PeopleSearch
        value={q}
        onSearch={setQ}
        label="Add people"
        description="Search by email, user id or trait"
      />
      {found.data && (
        <Stack gap={4} mt="xs">
          {found.data.data.length === 0 && <Text c="dimmed">Nobody found.</Text>}
          {found.data.data.slice(0, 10).map((profile) => (
            <Group key={profile.id} gap="sm">
              <Text size="sm">{text(profile.traits.name) ?? summaryEmail(profile) ?? profile.id}</Text>
              <Text size="sm" c="dimmed">
                {summaryEmail(profile)}
              </Text>
              <Button
                size="xs"
                variant="light"
                aria-label={`Add ${summaryEmail(profile) ?? profile.id}`}
                onClick={() => add.mutate({ listId, profileIds: [profile.id] })}
              >
                Add
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      {add.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(add.error)}
        </Alert>
      )}
    </Paper>
  );
}

/** Enrolls every person on the list in a sales sequence. */
function EnrollList({ listId }: { listId: string }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [sequenceId, setSequenceId] = useState<string | null>(null);
  const sequences = useQuery({
    queryKey: sequencesQueryKey(session.workspace.id),
    queryFn: sequencesApi.list,
  });
  const enroll = useMutation({
    mutationFn: sequencesApi.enroll,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sequencesQueryKey(session.workspace.id) }),
  });
  return (
    <Paper withBorder p="sm" component="section" aria-label="Enroll the list">
      <Group align="flex-end">
        <Select
          label="Enroll everyone in a sequence"
          placeholder="Pick a sequence"
          data={(sequences.data?.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={sequenceId}
          onChange={setSequenceId}
          w={320}
        />
        <Button
          disabled={sequenceId === null}
          loading={enroll.isPending}
          onClick={() => sequenceId && enroll.mutate({ sequenceId, listId })}
        >
          Enroll list
        </Button>
      </Group>
      {enroll.data && (
        <Text size="sm" mt="xs" role="status">
          Enrolled {enroll.data.enrolled.length}; skipped {enroll.data.skipped.length} (already active or
          unknown).
        </Text>
      )}
      {enroll.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(enroll.error)}
        </Alert>
      )}
    </Paper>
  );
}
