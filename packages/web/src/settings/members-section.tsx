import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { InviteMemberForm } from './invite-member-form';
import { membersApi, membersQueryKey } from './settings-api';

export function MembersSection() {
  const session = useCurrentSession();
  const members = usePagedQuery(membersQueryKey(session.workspace.id), membersApi.list);

  return (
    <Stack component="section" aria-labelledby="members-title">
      <Title order={3} id="members-title">
        Members
      </Title>
      {roleAllows(session.role, 'members:manage') && <InviteMemberForm />}
      <QueryState isPending={members.isPending} error={members.error} refetch={members.refetch}>
        {members.items.length === 0 ? (
          <Text c="dimmed">No members yet.</Text>
        ) : (
          <Table aria-label="Members" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Member since</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.items.map((member) => (
                <Table.Tr key={member.id}>
                  <Table.Td>{member.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{member.role}</Badge>
                  </Table.Td>
                  <Table.Td>{formatDate(member.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...members} />
      </QueryState>
    </Stack>
  );
}
