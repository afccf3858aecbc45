import { Stack, Table, Text, Title } from '@mantine/core';
import type { FormerMember } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { FormerMemberHandOver } from './former-member-hand-over';
import { holdingsSentence } from './holdings-sentence';
import { formerMembersApi, formerMembersQueryKey } from './settings-api';

/**
 * What people removed without a hand-over still own, each with a way to hand it to a current
 * member; shown only while there are some (for roles that manage members).
 */
export function FormerMembers() {
  const session = useCurrentSession();
  const formers = useQuery({
    queryKey: formerMembersQueryKey(session.workspace.id),
    queryFn: formerMembersApi.list,
  });
  if (formers.isPending || formers.data?.data.length === 0) return null;

  return (
    <Stack component="section" aria-labelledby="former-members-title" gap="xs" mt="md">
      <div>
        <Title order={4} id="former-members-title">
          Records of former members
        </Title>
        <Text size="sm" c="dimmed">
          They were removed without handing over what they own. Pick a member to take it over.
        </Text>
      </div>
      <QueryState isPending={false} error={formers.error} refetch={formers.refetch}>
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Former members" striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Former member</Table.Th>
                <Table.Th>What they hold</Table.Th>
                <Table.Th>Hand over to</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(formers.data?.data ?? []).map((former) => (
                <Table.Tr key={former.userId}>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {nameOf(former)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{holdingsSentence(former.holdings) ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <FormerMemberHandOver userId={former.userId} name={nameOf(former)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
    </Stack>
  );
}

/** A former member's email, or their id once the account itself is gone. */
function nameOf(former: FormerMember): string {
  return former.email ?? `Deleted user ${former.userId}`;
}
