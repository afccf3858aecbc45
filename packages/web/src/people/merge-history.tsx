import { Anchor, Table, Text } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { profilesApi, profilesQueryKey } from './people-api';
import { UndoMergeButton } from './undo-merge-button';

/** The profiles merged into this one, what linked them, and a way back for admins. */
export function MergeHistory({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const merges = useQuery({
    queryKey: [...profilesQueryKey(session.workspace.id), 'merges', profileId],
    queryFn: () => profilesApi.merges(profileId),
  });
  // The server enforces this too; hiding the button spares others a button that cannot work.
  const canUnmerge = roleAllows(session.role, 'profiles:merge');
  const history = merges.data?.data ?? [];

  return (
    <QueryState isPending={merges.isPending} error={merges.error} refetch={merges.refetch}>
      {history.length === 0 ? (
        <Text c="dimmed">No other profile was merged into this one.</Text>
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table aria-label="Merge history" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Merged profile</Table.Th>
                <Table.Th>Identifiers it brought</Table.Th>
                <Table.Th>Merged</Table.Th>
                <Table.Th>Status</Table.Th>
                {canUnmerge && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.map((merge) => (
                <Table.Tr key={merge.id}>
                  <Table.Td ff="monospace" fz="xs" style={{ wordBreak: 'break-all' }}>
                    {/* Until the merge is undone, the merged id only leads back here. */}
                    {merge.undoneAt ? (
                      <Anchor component={Link} to={`/people/${encodeURIComponent(merge.mergedId)}`} inherit>
                        {merge.mergedId}
                      </Anchor>
                    ) : (
                      merge.mergedId
                    )}
                  </Table.Td>
                  <Table.Td miw={180}>
                    {merge.identities.map((identity) => (
                      <Text
                        key={`${identity.type}:${identity.value}`}
                        size="sm"
                        style={{ wordBreak: 'break-all' }}
                      >
                        <Text span c="dimmed" size="sm">
                          {identity.type}:
                        </Text>{' '}
                        {identity.value}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(merge.mergedAt)}</Table.Td>
                  <Table.Td>
                    {merge.undoneAt ? (
                      <Text size="sm" c="dimmed">
                        Undone {formatDate(merge.undoneAt)}
                      </Text>
                    ) : (
                      <Text size="sm">Active</Text>
                    )}
                  </Table.Td>
                  {canUnmerge && (
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {!merge.undoneAt && <UndoMergeButton profileId={profileId} merge={merge} />}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </QueryState>
  );
}
