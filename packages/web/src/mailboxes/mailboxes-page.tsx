import { Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type Mailbox, roleAllows, type Team } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { QueryState } from '../shared/query-state';
import { teamsApi } from '../teams/teams-api';
import { ChannelStatus } from './channel-status';
import { ForwardingHint } from './forwarding-hint';
import { mailboxesApi, mailboxesQueryKey } from './mailboxes-api';
import { RecentMail } from './recent-mail';

/** `/mailboxes`: the addresses whose mail opens tickets, their teams, and how mail reaches Tandem. */
export function MailboxesPage() {
  const session = useCurrentSession();
  const canManage = roleAllows(session.role, 'sources:write');
  const mailboxes = useQuery({
    queryKey: mailboxesQueryKey(session.workspace.id),
    queryFn: mailboxesApi.list,
  });
  const teams = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'teams'],
    queryFn: teamsApi.list,
  });
  const teamList = teams.data?.data ?? [];
  return (
    <Stack>
      <div>
        <Title order={2}>Mailboxes</Title>
        <Text c="dimmed" maw={760}>
          Mail to a mailbox opens a ticket for its team. Replies join their ticket (by their headers, the
          ticket’s reply address, or its number in the subject) when their sender takes part in it;
          auto-replies and bounces are set aside.
        </Text>
      </div>
      <QueryState isPending={mailboxes.isPending} error={mailboxes.error} refetch={mailboxes.refetch}>
        {mailboxes.data && <ChannelStatus channel={mailboxes.data.channel} />}
        {mailboxes.data && mailboxes.data.data.length > 0 && (
          <MailboxTable mailboxes={mailboxes.data.data} teams={teamList} canManage={canManage} />
        )}
        {mailboxes.data?.data.length === 0 && <Text c="dimmed">No mailboxes yet.</Text>}
        {mailboxes.data && mailboxes.data.data.length > 0 && (
          <ForwardingHint mailboxes={mailboxes.data.data} channel={mailboxes.data.channel} />
        )}
        {mailboxes.data && mailboxes.data.data.length > 0 && <RecentMail mailboxes={mailboxes.data.data} />}
      </QueryState>
      {canManage && <NewMailboxForm teams={teamList} />}
    </Stack>
  );
}

function useRefreshMailboxes() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: mailboxesQueryKey(session.workspace.id) });
}

function MailboxTable(props: { mailboxes: readonly Mailbox[]; teams: readonly Team[]; canManage: boolean }) {
  return (
    <Table aria-label="Mailboxes" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Address</Table.Th>
          <Table.Th>Sender name</Table.Th>
          <Table.Th>Team</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.mailboxes.map((mailbox) => (
          <MailboxRow key={mailbox.id} mailbox={mailbox} teams={props.teams} canManage={props.canManage} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MailboxRow({
  mailbox,
  teams,
  canManage,
}: {
  mailbox: Mailbox;
  teams: readonly Team[];
  canManage: boolean;
}) {
  const refresh = useRefreshMailboxes();
  const [confirming, setConfirming] = useState(false);
  const update = useMutation({ mutationFn: mailboxesApi.update, onSuccess: refresh });
  const remove = useMutation({ mutationFn: mailboxesApi.remove, onSuccess: refresh });
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={500}>{mailbox.address}</Text>
      </Table.Td>
      <Table.Td>
        <TextInput
          aria-label={`Sender name of ${mailbox.address}`}
          defaultValue={mailbox.name}
          disabled={!canManage}
          onBlur={(event) => {
            const name = event.currentTarget.value.trim();
            if (name !== '' && name !== mailbox.name)
              update.mutate({ mailboxId: mailbox.id, patch: { name } });
          }}
          w={200}
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Team of ${mailbox.address}`}
          placeholder="No team"
          data={teams.map((team) => ({ value: team.id, label: team.name }))}
          value={mailbox.teamId}
          onChange={(teamId) => update.mutate({ mailboxId: mailbox.id, patch: { teamId } })}
          clearable
          disabled={!canManage}
          w={200}
        />
        {update.error && (
          <Text c="red" size="sm" role="alert">
            {errorMessage(update.error)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {canManage && (
          <ConfirmActionButton
            label="Remove"
            ariaLabel={`Remove ${mailbox.address}`}
            question={`Stop taking mail at ${mailbox.address}? Its tickets stay.`}
            confirmLabel="Remove mailbox"
            opened={confirming}
            onOpenedChange={setConfirming}
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() => remove.mutate(mailbox.id)}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function NewMailboxForm({ teams }: { teams: readonly Team[] }) {
  const refresh = useRefreshMailboxes();
  const [address, setAddress] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: mailboxesApi.create,
    onSuccess: async () => {
      setAddress('');
      setTeamId(null);
      await refresh();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ address: address.trim(), ...(teamId ? { teamId } : {}) });
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label="New mailbox">
      <form onSubmit={submit} aria-label="New mailbox">
        <Title order={4} mb="xs">
          New mailbox
        </Title>
        <Group align="flex-end">
          <TextInput
            label="Address"
            placeholder="support@example.com"
            value={address}
            onChange={(event) => setAddress(event.currentTarget.value)}
            w={280}
          />
          <Select
            label="Team"
            placeholder="No team"
            data={teams.map((team) => ({ value: team.id, label: team.name }))}
            value={teamId}
            onChange={setTeamId}
            clearable
            w={220}
          />
          <Button type="submit" loading={create.isPending} disabled={address.trim() === ''}>
            Add mailbox
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
