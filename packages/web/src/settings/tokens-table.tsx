import { Badge, Table, Text } from '@mantine/core';
import type { ApiToken } from '@tandem/contract';
import { formatDate } from '../shared/format-date';
import { roleLabel } from '../shared/role-label';
import { RevokeTokenButton } from './revoke-token-button';
import { tokenExpired } from './token-expiry';

export function TokensTable({ tokens }: { tokens: readonly ApiToken[] }) {
  if (tokens.length === 0) return <Text c="dimmed">No API tokens yet.</Text>;
  const now = new Date();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table aria-label="API tokens" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Created by</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td>{token.name}</Table.Td>
              <Table.Td>
                <Badge variant="light">{roleLabel(token.role)}</Badge>
              </Table.Td>
              <Table.Td>{token.createdBy?.email ?? '—'}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(token.createdAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {tokenExpired(token.expiresAt, now) ? (
                  <Badge color="red" variant="light" title={formatDate(token.expiresAt)}>
                    Expired
                  </Badge>
                ) : (
                  formatDate(token.expiresAt, 'Never')
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(token.lastUsedAt, 'Never')}</Table.Td>
              <Table.Td ta="right">
                <RevokeTokenButton token={token} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
