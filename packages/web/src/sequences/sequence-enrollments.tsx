import { Alert, Anchor, Badge, Button, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { enrollmentStatus, sequencesApi, sequencesQueryKey } from './sequences-api';

const STATUS_COLORS = { active: 'blue', finished: 'teal', stopped: 'gray' } as const;

/** A sequence's enrollments: who, at which step, their status, and a stop button while active. */
export function SequenceEnrollments({ sequenceId }: { sequenceId: string }) {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const queryClient = useQueryClient();
  const enrollments = usePagedQuery(
    [...sequencesQueryKey(session.workspace.id), sequenceId, 'enrollments'],
    (cursor) => sequencesApi.enrollments(sequenceId, cursor),
  );
  const stop = useMutation({
    mutationFn: sequencesApi.stop,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sequencesQueryKey(session.workspace.id) }),
  });
  return (
    <section aria-label="Enrollments">
      <Title order={4} mb="xs">
        Enrollments
      </Title>
      <QueryState isPending={enrollments.isPending} error={enrollments.error} refetch={enrollments.refetch}>
        {enrollments.items.length === 0 ? (
          <Text c="dimmed">Nobody enrolled yet: enroll people from their page or a list.</Text>
        ) : (
          <Table aria-label="Enrollments table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Steps run</Table.Th>
                <Table.Th>Next step</Table.Th>
                <Table.Th>Enrolled</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {enrollments.items.map((enrollment) => (
                <Table.Tr key={enrollment.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/people/${encodeURIComponent(enrollment.profileId)}`}>
                      {enrollment.name ?? enrollment.email ?? enrollment.profileId}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{enrollment.ownerId ? members.nameOf(enrollment.ownerId) : '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[enrollment.status]} variant="light">
                      {enrollmentStatus(enrollment)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{enrollment.currentStep}</Table.Td>
                  <Table.Td>{formatDate(enrollment.nextAt)}</Table.Td>
                  <Table.Td>{formatDate(enrollment.enrolledAt)}</Table.Td>
                  <Table.Td>
                    {canWrite && enrollment.status === 'active' && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Stop ${enrollment.email ?? enrollment.profileId}`}
                        onClick={() => stop.mutate({ sequenceId, enrollmentId: enrollment.id })}
                      >
                        Stop
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...enrollments} />
      </QueryState>
      {stop.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(stop.error)}
        </Alert>
      )}
    </section>
  );
}
