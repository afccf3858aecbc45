import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { RetentionPolicies } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { retentionApi, retentionQueryKey } from './retention-api';

/** Days as typed: a number, or empty for "keep forever". */
type Days = number | '';
type EventRow = { key: number; event: string; days: Days };

const daysOrNull = (days: Days) => (days === '' ? null : days);
const asDays = (value: string | number): Days => (typeof value === 'number' ? value : '');

/** The policies as a form: one row per event name, a default for all others, CRM, tickets, audit log. */
export function RetentionForm({ saved }: { saved: RetentionPolicies }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<EventRow[]>(() =>
    saved.events.flatMap((policy, key) =>
      policy.event === null ? [] : [{ key, event: policy.event, days: policy.days }],
    ),
  );
  const [nextKey, setNextKey] = useState(saved.events.length);
  const [otherEvents, setOtherEvents] = useState<Days>(
    saved.events.find((p) => p.event === null)?.days ?? '',
  );
  const [activities, setActivities] = useState<Days>(saved.crmActivitiesDays ?? '');
  const [tickets, setTickets] = useState<Days>(saved.closedTicketsDays ?? '');
  const [audit, setAudit] = useState<Days>(saved.auditLogDays ?? '');
  const save = useMutation({
    mutationFn: retentionApi.savePolicies,
    onSuccess: (policies) =>
      queryClient.setQueryData([...retentionQueryKey(session.workspace.id), 'policies'], policies),
  });
  const submit = () =>
    save.mutate({
      events: [
        ...rows.map((row) => ({ event: row.event.trim(), days: row.days === '' ? 0 : row.days })),
        ...(otherEvents === '' ? [] : [{ event: null, days: otherEvents }]),
      ],
      crmActivitiesDays: daysOrNull(activities),
      closedTicketsDays: daysOrNull(tickets),
      auditLogDays: daysOrNull(audit),
    });
  const setRow = (key: number, patch: Partial<EventRow>) =>
    setRows((all) => all.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-label="Retention policies"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <div>
          <Title order={4}>Raw events</Title>
          <Text size="sm" c="dimmed">
            Events older than this many days (by when they happened and arrived) are removed. Profiles keep
            their traits. Leave a field empty to keep that data forever.
          </Text>
        </div>
        <Table aria-label="Event policies" maw={620}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Event</Table.Th>
              <Table.Th>Keep (days)</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key}>
                <Table.Td>
                  <TextInput
                    aria-label="Event name"
                    placeholder="Page Viewed"
                    value={row.event}
                    onChange={(e) => setRow(row.key, { event: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Days to keep ${row.event || 'this event'}`}
                    min={1}
                    value={row.days}
                    onChange={(value) => setRow(row.key, { days: asDays(value) })}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove the policy of ${row.event || 'this event'}`}
                    onClick={() => setRows((all) => all.filter((other) => other.key !== row.key))}
                  >
                    ✕
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td>
                <Text size="sm" fw={500}>
                  All other events
                </Text>
              </Table.Td>
              <Table.Td>
                <NumberInput
                  aria-label="Days to keep all other events"
                  placeholder="forever"
                  min={1}
                  value={otherEvents}
                  onChange={(value) => setOtherEvents(asDays(value))}
                />
              </Table.Td>
              <Table.Td />
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Group>
          <Button
            variant="light"
            size="xs"
            onClick={() => {
              setRows((all) => [...all, { key: nextKey, event: '', days: 30 }]);
              setNextKey(nextKey + 1);
            }}
          >
            Add event policy
          </Button>
        </Group>
        <Title order={4}>CRM, support and audit</Title>
        <Group align="end">
          <NumberInput
            label="CRM activities (days)"
            description="Notes, calls and logged emails, by when they happened"
            placeholder="forever"
            min={1}
            value={activities}
            onChange={(value) => setActivities(asDays(value))}
            w={260}
          />
          <NumberInput
            label="Closed tickets (days)"
            description="With their messages and emails, after solving"
            placeholder="forever"
            min={1}
            value={tickets}
            onChange={(value) => setTickets(asDays(value))}
            w={260}
          />
          <NumberInput
            label="Audit log (days)"
            description="The chain keeps verifying from the oldest kept"
            placeholder="forever"
            min={1}
            value={audit}
            onChange={(value) => setAudit(asDays(value))}
            w={260}
          />
        </Group>
        {save.error ? (
          <Alert color="red" role="alert" maw={720}>
            {errorMessage(save.error)}
          </Alert>
        ) : null}
        {save.isSuccess && !save.isPending ? (
          <Text size="sm" c="green" role="status">
            Policies saved.
          </Text>
        ) : null}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save policies
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
