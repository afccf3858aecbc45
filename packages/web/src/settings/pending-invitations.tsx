import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { roleLabel } from '../shared/role-label';
import { invitationsApi, invitationsQueryKey } from './settings-api';
import { WithdrawInvitationButton } from './withdraw-invitation-button';

/** Invitations waiting for an answer; shown only while there are some. */
export function PendingInvitations() {
  const session = useCurrentSession();
  const invitations = usePagedQuery(invitationsQueryKey(session.workspace.id), invitationsApi.list);
  if (invitations.isSuccess && invitations.items.length === 0) return null;

  return (
    <Stack component="section" aria-labelledby="pending-invitations-title" gap="xs" mt="md">
      <div>
        <Title order={4} id="pending-invitations-title">
          Pending invitations
        </Title>
        <Text size="sm" c="dimmed">
          They join once they accept. An invitation expires after 7 days.
        </Text>
      </div>
      <QueryState isPending={invitations.isPending} error={invitations.error} refetch={invitations.refetch}>
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Pending invitations" striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Invited by</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.items.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{roleLabel(invitation.role)}</Badge>
                  </Table.Td>
                  <Table.Td>{invitation.invitedBy?.email ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(invitation.expiresAt)}</Table.Td>
                  <Table.Td ta="right">
                    <WithdrawInvitationButton invitation={invitation} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <LoadMoreButton {...invitations} />
      </QueryState>
    </Stack>
  );
}
