import { Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { type ConsentPurpose, roleAllows } from '@tandem/contract';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { MODE_LABELS } from './consent-api';
import { usePurposes } from './consent-queries';
import { PurposeFormModal } from './purpose-form-modal';
import { RemovePurposeButton } from './remove-purpose-button';

/** The workspace's purposes: what each means, its default, the category names that mean it. */
export function PurposesSection() {
  const session = useCurrentSession();
  const purposes = usePurposes();
  const canManage = roleAllows(session.role, 'privacy:manage');
  // undefined: closed; null: a new purpose; a purpose: editing it.
  const [editing, setEditing] = useState<ConsentPurpose | null | undefined>(undefined);
  const list = purposes.data?.data ?? [];

  return (
    <Paper withBorder p="md" component="section" aria-label="Purposes">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Purposes</Title>
        {canManage && <Button onClick={() => setEditing(null)}>Add purpose</Button>}
      </Group>
      <QueryState isPending={purposes.isPending} error={purposes.error} refetch={purposes.refetch}>
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Consent purposes" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Purpose</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>When undecided</Table.Th>
                <Table.Th>Also matches</Table.Th>
                {canManage && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((purpose) => (
                <Table.Tr key={purpose.key}>
                  <Table.Td maw={360}>
                    <Text fw={500}>{purpose.label}</Text>
                    <Text size="sm" c="dimmed">
                      {purpose.description}
                    </Text>
                  </Table.Td>
                  <Table.Td ff="monospace" fz="sm" style={{ whiteSpace: 'nowrap' }}>
                    {purpose.key}
                  </Table.Td>
                  <Table.Td fz="sm">
                    {purpose.key === 'necessary' ? (
                      <Badge color="green" variant="light" style={{ minWidth: 'max-content' }}>
                        Always granted
                      </Badge>
                    ) : purpose.defaultMode ? (
                      MODE_LABELS[purpose.defaultMode]
                    ) : (
                      <Text span size="sm" c="dimmed">
                        Workspace default
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {purpose.aliases.map((alias) => (
                        <Badge key={alias} variant="outline" color="gray" tt="none">
                          {alias}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  {canManage && (
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          aria-label={`Edit ${purpose.label}`}
                          onClick={() => setEditing(purpose)}
                        >
                          Edit
                        </Button>
                        {purpose.key !== 'necessary' && <RemovePurposeButton purpose={purpose} />}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
      {editing !== undefined && <PurposeFormModal purpose={editing} onClose={() => setEditing(undefined)} />}
    </Paper>
  );
}
