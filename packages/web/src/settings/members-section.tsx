import { Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { roleLabel } from '../shared/role-label';
import { FormerMembers } from './former-members';
import { InviteMemberForm } from './invite-member-form';
import { MembersTable } from './members-table';
import { PendingInvitations } from './pending-invitations';
import { membersApi, membersQueryKey } from './settings-api';

export function MembersSection() {
  const session = useCurrentSession();
  const members = usePagedQuery(membersQueryKey(session.workspace.id), membersApi.list);
  const canManage = roleAllows(session.role, 'members:manage');

  return (
    <Stack component="section" aria-labelledby="members-title">
      <div>
        <Title order={3} id="members-title">
          Members
        </Title>
        <Text c="dimmed" size="sm">
          {canManage
            ? `Who can open ${session.workspace.name}, and what their role lets them do. You can grant roles up to your own (${roleLabel(session.role)}).`
            : `Who can open ${session.workspace.name}. Owners and admins manage members.`}
        </Text>
      </div>
      {canManage && <InviteMemberForm />}
      <QueryState isPending={members.isPending} error={members.error} refetch={members.refetch}>
        {members.items.length === 0 ? (
          <Text c="dimmed">No members yet.</Text>
        ) : (
          <MembersTable members={members.items} />
        )}
        <LoadMoreButton {...members} />
      </QueryState>
      {canManage && <FormerMembers />}
      {canManage && <PendingInvitations />}
    </Stack>
  );
}
