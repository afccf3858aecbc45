import {
  Alert,
  Anchor,
  Button,
  Grid,
  Group,
  List,
  Paper,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type EmailTemplate, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { QueryState } from '../shared/query-state';
import { emailApi, emailQueryKey, type TemplateDraft } from './email-api';

const MONOSPACE = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 };

/** `/email-templates/:id`: the editor (subject, MJML, text part) beside a preview for a chosen person. */
export function EmailTemplatePage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const template = useQuery({
    queryKey: [...emailQueryKey(session.workspace.id), 'template', id],
    queryFn: () => emailApi.template(id),
  });
  return (
    <Stack>
      <Anchor component={Link} to="/email-templates" size="sm">
        ← Email templates
      </Anchor>
      <QueryState isPending={template.isPending} error={template.error} refetch={template.refetch}>
        {template.data && (
          <TemplateEditor template={template.data} canWrite={roleAllows(session.role, 'audiences:write')} />
        )}
      </QueryState>
    </Stack>
  );
}

function TemplateEditor(props: { template: EmailTemplate; canWrite: boolean }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = [...emailQueryKey(session.workspace.id), 'template', props.template.id];
  const [draft, setDraft] = useState<TemplateDraft>(draftOf(props.template));
  useEffect(() => setDraft(draftOf(props.template)), [props.template]);
  const save = useMutation({
    mutationFn: () => emailApi.update(props.template.id, { ...draft, text: draft.text || undefined }),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      queryClient.invalidateQueries({ queryKey: [...emailQueryKey(session.workspace.id), 'templates'] });
    },
  });
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const remove = useMutation({
    mutationFn: () => emailApi.remove(props.template.id),
    onSuccess: () => navigate('/email-templates'),
  });
  const fieldErrors = fieldErrorsOf(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <form onSubmit={submit} aria-label="Template">
          <Stack gap="sm">
            <Title order={2}>{props.template.name}</Title>
            <TextInput
              label="Name"
              value={draft.name}
              disabled={!props.canWrite}
              onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              error={fieldErrors.name}
            />
            <TextInput
              label="Subject"
              value={draft.subject}
              disabled={!props.canWrite}
              onChange={(e) => setDraft({ ...draft, subject: e.currentTarget.value })}
              error={fieldErrors.subject}
            />
            <Select
              label="Category"
              data={[
                { value: 'marketing', label: 'Marketing (needs consent and a subscribed topic)' },
                { value: 'transactional', label: 'Transactional' },
              ]}
              value={draft.category}
              allowDeselect={false}
              disabled={!props.canWrite}
              onChange={(value) =>
                setDraft({ ...draft, category: value === 'transactional' ? 'transactional' : 'marketing' })
              }
            />
            <Textarea
              label="MJML"
              description="Liquid sees traits, computedTraits, event, profile {id, email}, crm, unsubscribe_url, preferences_url."
              value={draft.mjml}
              disabled={!props.canWrite}
              autosize
              minRows={14}
              maxRows={30}
              styles={{ input: MONOSPACE }}
              spellCheck={false}
              onChange={(e) => setDraft({ ...draft, mjml: e.currentTarget.value })}
              error={fieldErrors.mjml}
            />
            <Textarea
              label="Text part"
              description="Empty: made from the HTML."
              value={draft.text ?? ''}
              disabled={!props.canWrite}
              autosize
              minRows={3}
              styles={{ input: MONOSPACE }}
              onChange={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
              error={fieldErrors.text}
            />
            {save.error && (
              <Alert color="red" role="alert" title="Not saved">
                {errorMessage(save.error)}
              </Alert>
            )}
            {props.canWrite && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  Save
                </Button>
                {save.isSuccess && !save.isPending && <Text size="sm">Saved.</Text>}
                <Group ml="auto">
                  <ConfirmActionButton
                    label="Delete"
                    ariaLabel={`Delete template ${props.template.name}`}
                    question={`Delete “${props.template.name}”? Emails already queued with it are not sent.`}
                    confirmLabel="Delete template"
                    opened={confirmingDelete}
                    onOpenedChange={(opened) => {
                      setConfirmingDelete(opened);
                      if (!opened) remove.reset();
                    }}
                    pending={remove.isPending}
                    error={remove.error}
                    onConfirm={() => remove.mutate()}
                  />
                </Group>
              </Group>
            )}
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <TemplatePreview template={props.template} />
      </Grid.Col>
    </Grid>
  );
}

/** The saved template rendered for a chosen person (links shown as their markers). */
function TemplatePreview(props: { template: EmailTemplate }) {
  const session = useCurrentSession();
  const [search, setSearch] = useState('');
  const [person, setPerson] = useState<string | null>(null);
  const people = useQuery({
    queryKey: [...emailQueryKey(session.workspace.id), 'people', search],
    queryFn: () => emailApi.people(search),
    enabled: search.trim().length >= 2,
  });
  const preview = useQuery({
    queryKey: [
      ...emailQueryKey(session.workspace.id),
      'preview',
      props.template.id,
      props.template.updatedAt,
      person,
    ],
    queryFn: () => emailApi.preview(props.template.id, person),
  });
  const options = (people.data?.data ?? []).map((hit) => ({
    value: hit.id,
    label: hit.subtitle ? `${hit.title} (${hit.subtitle})` : hit.title,
  }));
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Preview</Title>
        <Select
          label="Preview as"
          placeholder="Search people by name or email"
          searchable
          clearable
          data={options}
          value={person}
          onChange={setPerson}
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage={search.trim().length >= 2 ? 'Nobody found' : 'Type a name or an email'}
          filter={({ options: all }) => all}
        />
        <QueryState isPending={preview.isPending} error={preview.error} refetch={preview.refetch}>
          {preview.data && (
            <>
              {preview.data.errors.length > 0 && (
                <Alert color="red" title="The template does not render" role="alert">
                  <List size="sm">
                    {preview.data.errors.map((error) => (
                      <List.Item key={error}>{error}</List.Item>
                    ))}
                  </List>
                </Alert>
              )}
              <Text size="sm">
                <b>Subject:</b> <span data-testid="preview-subject">{preview.data.subject}</span>
              </Text>
              <iframe
                title="Email preview"
                srcDoc={preview.data.html}
                sandbox=""
                style={{
                  width: '100%',
                  height: 480,
                  border: '1px solid var(--mantine-color-gray-3)',
                  background: 'white',
                }}
              />
              <Textarea
                label="Text part"
                value={preview.data.text}
                readOnly
                autosize
                minRows={3}
                maxRows={12}
                styles={{ input: MONOSPACE }}
              />
            </>
          )}
        </QueryState>
      </Stack>
    </Paper>
  );
}

function draftOf(template: EmailTemplate): TemplateDraft {
  return {
    name: template.name,
    subject: template.subject,
    mjml: template.mjml,
    category: template.category,
    text: template.text ?? '',
  };
}

/** The 422's details by field (`mjml`, `subject`, `text`, `name`). */
function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const errors: Record<string, string> = {};
  for (const detail of error.details ?? []) {
    const field = detail.path.replace(/^body\./, '');
    errors[field] = errors[field] ? `${errors[field]}; ${detail.message}` : detail.message;
  }
  return errors;
}
