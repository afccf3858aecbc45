import { Badge, Table, Text } from '@mantine/core';
import type { ApiToken } from '@tandem/contract';
import { formatDate } from '../shared/format-date';
import { RevokeTokenButton } from './revoke-token-button';

type TokensTableProps = { tokens: readonly ApiToken[]; canRevoke: boolean };

export function TokensTable({ tokens, canRevoke }: TokensTableProps) {
  if (tokens.length === 0) return <Text c="dimmed">No API tokens yet.</Text>;
  return (
    <Table aria-label="API tokens" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Last used</Table.Th>
          {canRevoke && <Table.Th aria-label="Actions" />}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tokens.map((token) => (
          <Table.Tr key={token.id}>
            <Table.Td>{token.name}</Table.Td>
            <Table.Td>
              <Badge variant="light">{token.role}</Badge>
            </Table.Td>
            <Table.Td>{formatDate(token.createdAt)}</Table.Td>
            <Table.Td>{formatDate(token.lastUsedAt, 'Never')}</Table.Td>
            {canRevoke && (
              <Table.Td>
                <RevokeTokenButton token={token} />
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
