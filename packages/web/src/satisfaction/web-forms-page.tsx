import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { roleAllows, type WebForm } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { QueryState } from '../shared/query-state';
import { teamsApi } from '../teams/teams-api';
import { webFormSnippet, webFormsApi, webFormsQueryKey } from './satisfaction-api';

/** `/web-forms`: forms a website embeds to open tickets, each with its snippet to copy. */
export function WebFormsPage() {
  const session = useCurrentSession();
  const canManage = roleAllows(session.role, 'sources:write');
  const forms = useQuery({ queryKey: webFormsQueryKey(session.workspace.id), queryFn: webFormsApi.list });
  const teams = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'teams'],
    queryFn: teamsApi.list,
  });
  const teamList = teams.data?.data ?? [];
  const teamName = (id: string | null) =>
    id === null ? 'No team' : (teamList.find((t) => t.id === id)?.name ?? 'No team (its team was deleted)');
  return (
    <Stack>
      <div>
        <Title order={2}>Web forms</Title>
        <Text c="dimmed" maw={760}>
          A contact form for your website: paste its snippet into a page and each submission opens a ticket
          for the visitor’s email (the person is found or created), in the form’s team. Bots are kept out by a
          hidden field, a minimum fill time and a limit per visitor address.
        </Text>
      </div>
      <QueryState isPending={forms.isPending} error={forms.error} refetch={forms.refetch}>
        {forms.data?.data.length === 0 && <Text c="dimmed">No web forms yet.</Text>}
        {forms.data?.data.map((form) => (
          <WebFormCard key={form.id} form={form} teamName={teamName(form.teamId)} canManage={canManage} />
        ))}
      </QueryState>
      {canManage && <NewWebFormForm teams={teamList.map((t) => ({ value: t.id, label: t.name }))} />}
    </Stack>
  );
}

function WebFormCard({ form, teamName, canManage }: { form: WebForm; teamName: string; canManage: boolean }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: webFormsApi.remove,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webFormsQueryKey(session.workspace.id) }),
  });
  const snippet = webFormSnippet(form.formKey, window.location.origin);
  return (
    <Paper withBorder p="sm" component="section" aria-label={`Web form ${form.name}`}>
      <Group justify="space-between" mb="xs">
        <div>
          <Text fw={600}>{form.name}</Text>
          <Text size="sm" c="dimmed">
            Key {form.formKey} · {teamName}
          </Text>
        </div>
        {canManage && (
          <ConfirmActionButton
            label="Remove"
            ariaLabel={`Remove ${form.name}`}
            question={`Remove ${form.name}? Websites embedding it stop opening tickets.`}
            confirmLabel="Remove form"
            opened={confirming}
            onOpenedChange={setConfirming}
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() => remove.mutate(form.id)}
          />
        )}
      </Group>
      <Code block aria-label={`Snippet of ${form.name}`}>
        {snippet}
      </Code>
      <CopyButton value={snippet}>
        {({ copied, copy }) => (
          <Button size="xs" mt="xs" variant="light" onClick={copy}>
            {copied ? 'Copied' : 'Copy snippet'}
          </Button>
        )}
      </CopyButton>
    </Paper>
  );
}

function NewWebFormForm({ teams }: { teams: { value: string; label: string }[] }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: webFormsApi.create,
    onSuccess: async () => {
      setName('');
      setTeamId(null);
      await queryClient.invalidateQueries({ queryKey: webFormsQueryKey(session.workspace.id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name, teamId });
  };
  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label="New web form">
      <Title order={4} mb="xs">
        New web form
      </Title>
      <Group align="end">
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          w={260}
        />
        <Select
          label="Team"
          placeholder="No team"
          data={teams}
          value={teamId}
          onChange={setTeamId}
          clearable
          w={220}
        />
        <Button type="submit" loading={create.isPending}>
          Create form
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(create.error)}
        </Alert>
      )}
    </Paper>
  );
}
