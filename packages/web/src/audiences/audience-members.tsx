import { Table, Text } from '@mantine/core';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { ProfileLink } from '../rules/profile-link';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { audiencesApi, audiencesQueryKey } from './audiences-api';

/** The people in an audience now, page by page, each linking to their profile. */
export function AudienceMembers({ audienceId }: { audienceId: string }) {
  const { workspace } = useCurrentSession();
  const members = usePagedQuery([...audiencesQueryKey(workspace.id), 'members', audienceId], (cursor) =>
    audiencesApi.members(audienceId, cursor),
  );
  return (
    <QueryState isPending={members.isPending} error={members.error} refetch={members.refetch}>
      {members.items.length === 0 ? (
        <Text c="dimmed" py="md">
          Nobody is in this audience yet. People enter as soon as their data matches the rule.
        </Text>
      ) : (
        <Table aria-label="Members" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Person</Table.Th>
              <Table.Th>Entered</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.items.map((member) => (
              <Table.Tr key={member.profileId}>
                <Table.Td>
                  <ProfileLink profileId={member.profileId} />
                </Table.Td>
                <Table.Td>{formatDate(member.enteredAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMoreButton {...members} />
    </QueryState>
  );
}
