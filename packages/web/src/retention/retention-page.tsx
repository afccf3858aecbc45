import { Alert, Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { retentionApi, retentionQueryKey } from './retention-api';
import { RetentionForm } from './retention-form';
import { RetentionRuns } from './retention-runs';

/** `/retention`: how long raw events, CRM activities, closed tickets and the audit log are kept. */
export function RetentionPage() {
  const session = useCurrentSession();
  if (!roleAllows(session.role, 'privacy:manage')) {
    return (
      <Alert color="gray" title="Retention" maw={640}>
        Retention settings take the privacy:manage permission (owners and admins).
      </Alert>
    );
  }
  return <Retention />;
}

function Retention() {
  const session = useCurrentSession();
  const policies = useQuery({
    queryKey: [...retentionQueryKey(session.workspace.id), 'policies'],
    queryFn: retentionApi.policies,
  });
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Retention</Title>
        <Text c="dimmed" size="sm" maw={780}>
          Keep data only as long as it is needed. Each run removes what is older than its policy, a small
          batch at a time so collection never waits, and reports what it removed.
        </Text>
      </div>
      <QueryState isPending={policies.isPending} error={policies.error} refetch={policies.refetch}>
        {policies.data ? <RetentionForm saved={policies.data} /> : null}
      </QueryState>
      <RetentionRuns />
    </Stack>
  );
}
