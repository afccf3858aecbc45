import { Badge, Group, Table, Text } from '@mantine/core';
import type { Member } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { roleLabel } from '../shared/role-label';
import { memberActions } from './member-actions';
import { MemberRoleSelect } from './member-role-select';
import { RemoveMemberButton } from './remove-member-button';

export function MembersTable({ members }: { members: readonly Member[] }) {
  const session = useCurrentSession();
  const me = { userId: session.user.id, role: session.role };
  const rows = members.map((member) => ({ member, actions: memberActions(me, member) }));
  const anyRemovable = rows.some((row) => row.actions.canRemove);

  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label="Members" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Member since</Table.Th>
            {anyRemovable && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ member, actions }) => (
            <Table.Tr key={member.id}>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm">{member.email}</Text>
                  {member.id === session.user.id && (
                    <Badge size="xs" variant="outline" color="gray" style={{ flexShrink: 0 }}>
                      You
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                {actions.assignableRoles.length > 0 ? (
                  <MemberRoleSelect member={member} roles={actions.assignableRoles} />
                ) : (
                  <Badge variant="light">{roleLabel(member.role)}</Badge>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(member.createdAt)}</Table.Td>
              {anyRemovable && (
                <Table.Td ta="right">{actions.canRemove && <RemoveMemberButton member={member} />}</Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
