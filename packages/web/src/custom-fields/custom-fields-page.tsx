import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { CustomField } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, customFieldsApi } from '../people/crm-api';
import { useCanWriteCrm } from '../people/use-crm-members';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { QueryState } from '../shared/query-state';
import { CustomFieldModal, ENTITY_LABELS, TYPE_LABELS } from './custom-field-modal';

/** `/custom-fields`: the fields people, companies and deals carry beyond the built-in ones. */
export function CustomFieldsPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const queryClient = useQueryClient();
  const fields = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'custom-fields', 'all'],
    queryFn: () => customFieldsApi.list(),
  });
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  // The field whose removal is being asked about (one question open at a time).
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: customFieldsApi.remove,
    onSuccess: () => {
      setRemoving(null);
      return queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
    },
  });
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Custom fields</Title>
          <Text c="dimmed" maw={760}>
            What your team records about people, companies and deals beyond the built-in fields. Values are
            checked on every write; people’s values also become <code>crm_</code> traits audiences can use.
          </Text>
        </div>
        {canWrite && <Button onClick={() => setEditing('new')}>Add field</Button>}
      </Group>
      <QueryState isPending={fields.isPending} error={fields.error} refetch={fields.refetch}>
        {(fields.data?.data.length ?? 0) === 0 ? (
          <Text c="dimmed">No custom fields yet.</Text>
        ) : (
          <Table aria-label="Custom fields" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>On</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Choices</Table.Th>
                {canWrite && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.data?.data.map((field) => (
                <Table.Tr key={field.id}>
                  <Table.Td fw={500}>
                    {field.label}{' '}
                    {field.required && (
                      <Badge size="xs" variant="light">
                        required
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ff="monospace">{field.key}</Table.Td>
                  <Table.Td>{ENTITY_LABELS[field.entity]}</Table.Td>
                  <Table.Td>
                    {TYPE_LABELS[field.type]}
                    {field.relationTo ? ` → ${ENTITY_LABELS[field.relationTo]}` : ''}
                  </Table.Td>
                  <Table.Td>{field.choices.join(', ') || '—'}</Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="subtle" onClick={() => setEditing(field)}>
                          Edit
                        </Button>
                        <ConfirmActionButton
                          label="Remove"
                          ariaLabel={`Remove ${field.label}`}
                          question={removalQuestion(field)}
                          confirmLabel="Remove field"
                          opened={removing === field.id}
                          onOpenedChange={(opened) => {
                            remove.reset();
                            setRemoving(opened ? field.id : null);
                          }}
                          pending={remove.isPending}
                          error={remove.error}
                          onConfirm={() => remove.mutate(field.id)}
                        />
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {editing && (
        <CustomFieldModal field={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

/** What removing a field takes away, asked before it happens. */
function removalQuestion(field: CustomField): string {
  const records = ENTITY_LABELS[field.entity].toLowerCase();
  return `Remove the field "${field.label}"? It no longer shows on ${records}, and no one can fill it in.`;
}
