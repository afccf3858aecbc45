import { Alert, Button, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { auditLogApi, auditQueryKey } from './audit-log-api';

const REASONS = {
  hash_mismatch: 'its fields do not hash to the stored link (edited, or the chain re-linked)',
  content_mismatch: 'its content does not match the digest the chain holds (edited or removed)',
  missing_entry: 'it is missing from the chain',
  head_mismatch: 'entries after it were removed',
} as const;

/** Whether the workspace's hash chain verifies; re-checked on demand. */
export function ChainStatus() {
  const session = useCurrentSession();
  const report = useQuery({
    queryKey: [...auditQueryKey(session.workspace.id), 'verify'],
    queryFn: auditLogApi.verify,
  });
  const recheck = (
    <Button size="xs" variant="default" loading={report.isFetching} onClick={() => report.refetch()}>
      Verify again
    </Button>
  );
  return (
    <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
      <div role="status" aria-label="Chain verification">
        {report.data?.ok ? (
          <Alert color="green" title="Chain intact">
            <Group justify="space-between">
              <Text size="sm">
                {report.data.checked} entries verified — each one’s hash links it to the one before; checked{' '}
                {formatPreciseDate(report.data.verifiedAt)}.
              </Text>
              {recheck}
            </Group>
          </Alert>
        ) : report.data?.brokenAt ? (
          <Alert color="red" title="Chain broken">
            <Group justify="space-between">
              <Text size="sm">
                Entry {report.data.brokenAt.seq}: {REASONS[report.data.brokenAt.reason]}.{' '}
                {report.data.checked} entries before it verify.
              </Text>
              {recheck}
            </Group>
          </Alert>
        ) : null}
      </div>
    </QueryState>
  );
}
