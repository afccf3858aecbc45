import { Badge, Code, Stack, Table, Text } from '@mantine/core';
import type { Violation, ViolationType } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { trackingPlansApi, violationsQueryKey } from './tracking-plans-api';

const TYPE_LABELS: Record<ViolationType, string> = {
  unplanned_event: 'Unplanned event',
  required_property_missing: 'Required property missing',
  wrong_type: 'Wrong type',
  extra_property: 'Extra property',
};

/** A source's tracking plan violations: counts per event and type, with the latest samples. */
export function ViolationsTable({ sourceId }: { sourceId: string }) {
  const session = useCurrentSession();
  const violations = useQuery({
    queryKey: violationsQueryKey(session.workspace.id, sourceId),
    queryFn: () => trackingPlansApi.violations(sourceId),
    refetchInterval: 5000,
  });
  return (
    <QueryState isPending={violations.isPending} error={violations.error} refetch={violations.refetch}>
      {violations.data?.data.length === 0 ? (
        <Text c="dimmed" size="sm">
          No violations: every call checked so far matches the plan.
        </Text>
      ) : (
        <Table withTableBorder striped aria-label="Tracking plan violations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Call</Table.Th>
              <Table.Th>Violation</Table.Th>
              <Table.Th ta="right">Count</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Latest samples</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {violations.data?.data.map((violation) => (
              <ViolationRow
                key={`${violation.callType}:${violation.event}:${violation.type}`}
                violation={violation}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </QueryState>
  );
}

function ViolationRow({ violation }: { violation: Violation }) {
  return (
    <Table.Tr>
      <Table.Td>{violation.event ?? <Badge variant="outline">identify</Badge>}</Table.Td>
      <Table.Td>
        <Badge color={violation.type === 'unplanned_event' ? 'orange' : 'red'} variant="light">
          {TYPE_LABELS[violation.type]}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">{violation.count.toLocaleString()}</Table.Td>
      <Table.Td>{formatPreciseDate(violation.lastSeenAt, '')}</Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {violation.samples.map((sample) => (
            <Text key={`${sample.messageId}:${sample.property}`} size="xs">
              {sample.message}
              {sample.valueType && <> (got {sample.valueType})</>} · <Code>{sample.messageId}</Code>
            </Text>
          ))}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
