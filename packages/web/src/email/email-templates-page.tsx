import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { emailApi, emailQueryKey, STARTER_MJML } from './email-api';
import { EmailSettingsPanel } from './email-settings-panel';

/** `/email-templates`: the workspace's email templates; a new one opens in the editor. */
export function EmailTemplatesPage() {
  const session = useCurrentSession();
  const canWrite = roleAllows(session.role, 'audiences:write');
  const navigate = useNavigate();
  // Under the pickers' key ('templates'), so an edit refreshes both; its own, as pages are another shape.
  const templates = usePagedQuery([...emailQueryKey(session.workspace.id), 'templates', 'pages'], (cursor) =>
    emailApi.templatePage(cursor),
  );
  const create = useMutation({
    mutationFn: () =>
      emailApi.create({
        name: 'Untitled template',
        subject: 'Hello {{ traits.name }}',
        mjml: STARTER_MJML,
        category: 'marketing',
      }),
    onSuccess: (template) => navigate(`/email-templates/${encodeURIComponent(template.id)}`),
  });
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Email templates</Title>
          <Text c="dimmed" maw={760}>
            MJML with Liquid placeholders: <code>{'{{ traits.name }}'}</code>, computed traits, the triggering
            event and CRM fields. Journeys and broadcasts send them.
          </Text>
        </div>
        {canWrite && (
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            New template
          </Button>
        )}
      </Group>
      <QueryState isPending={templates.isPending} error={templates.error} refetch={templates.refetch}>
        {templates.items.length === 0 && <Text c="dimmed">No templates yet.</Text>}
        {templates.items.length > 0 && (
          <Table aria-label="Email templates" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Category</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {templates.items.map((template) => (
                <Table.Tr key={template.id}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/email-templates/${encodeURIComponent(template.id)}`}
                      fw={500}
                    >
                      {template.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{template.subject}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={template.category === 'marketing' ? 'grape' : 'gray'}>
                      {template.category}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatDate(template.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...templates} />
      </QueryState>
      <EmailSettingsPanel canWrite={canWrite} />
    </Stack>
  );
}
