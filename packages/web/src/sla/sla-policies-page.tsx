import { Badge, Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import type { BusinessCalendarView, SlaPolicyView } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { PolicyForm } from './policy-form';
import { formatMinutes, slaApi, slaQueryKey, useCanManageSla } from './sla-api';
import { SlaDeleteButton } from './sla-delete-button';

/** `/sla-policies`: response and resolution targets per priority, tried in order, first match wins. */
export function SlaPoliciesPage() {
  const { workspace } = useCurrentSession();
  const canManage = useCanManageSla();
  const policies = useQuery({
    queryKey: [...slaQueryKey(workspace.id), 'policies'],
    queryFn: slaApi.policies,
  });
  const calendars = useQuery({
    queryKey: [...slaQueryKey(workspace.id), 'calendars'],
    queryFn: slaApi.calendars,
  });
  const list = policies.data?.data ?? [];
  return (
    <Stack maw={1000}>
      <div>
        <Title order={2}>SLA policies</Title>
        <Text c="dimmed" maw={760}>
          Policies are tried from the top: the first enabled one whose conditions hold sets a ticket’s
          targets. Pending and on-hold time pauses the clock; a breach becomes an “SLA Breached” event on the
          requester.
        </Text>
      </div>
      <QueryState isPending={policies.isPending} error={policies.error} refetch={policies.refetch}>
        {list.map((policy, index) => (
          <PolicyCard
            key={policy.id + policy.updatedAt}
            policy={policy}
            order={list.map((p) => p.id)}
            index={index}
            calendars={calendars.data?.data ?? []}
          />
        ))}
        {list.length === 0 && <Text c="dimmed">No SLA policies yet: tickets have no due times.</Text>}
      </QueryState>
      {canManage && <NewPolicy calendars={calendars.data?.data ?? []} />}
    </Stack>
  );
}

function useRefresh() {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: slaQueryKey(workspace.id) });
}

function PolicyCard(props: {
  policy: SlaPolicyView;
  order: string[];
  index: number;
  calendars: readonly BusinessCalendarView[];
}) {
  const { policy, order, index } = props;
  const canManage = useCanManageSla();
  const refresh = useRefresh();
  const [editing, setEditing] = useState(false);
  const update = useMutation({
    mutationFn: slaApi.updatePolicy,
    onSuccess: async () => {
      setEditing(false);
      await refresh();
    },
  });
  const remove = useMutation({ mutationFn: slaApi.removePolicy, onSuccess: refresh });
  const reorder = useMutation({ mutationFn: slaApi.reorderPolicies, onSuccess: refresh });
  const move = (by: number) => {
    const next = [...order];
    next.splice(index, 1);
    next.splice(index + by, 0, policy.id);
    reorder.mutate(next);
  };
  const calendarName = props.calendars.find((c) => c.id === policy.calendarId)?.name;
  return (
    <Paper withBorder p="sm" component="section" aria-label={`Policy ${policy.name}`}>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Badge variant="outline">{index + 1}</Badge>
          <Title order={4}>{policy.name}</Title>
          {!policy.enabled && <Badge color="gray">disabled</Badge>}
        </Group>
        {canManage && !editing && (
          <Group gap="xs">
            <Switch
              aria-label={`${policy.name} enabled`}
              checked={policy.enabled}
              onChange={(e) => update.mutate({ id: policy.id, patch: { enabled: e.currentTarget.checked } })}
            />
            <Button
              size="compact-sm"
              variant="subtle"
              disabled={index === 0}
              onClick={() => move(-1)}
              aria-label={`Move ${policy.name} up`}
            >
              ↑
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              disabled={index === order.length - 1}
              onClick={() => move(1)}
              aria-label={`Move ${policy.name} down`}
            >
              ↓
            </Button>
            <Button size="compact-sm" variant="light" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <SlaDeleteButton
              what={policy.name}
              question={`Delete the policy ${policy.name}? Tickets get their next match when they change.`}
              pending={remove.isPending}
              error={remove.error}
              onConfirm={() => remove.mutate(policy.id)}
            />
          </Group>
        )}
      </Group>
      {editing ? (
        <PolicyForm
          initial={policy}
          calendars={props.calendars}
          submitLabel="Save policy"
          pending={update.isPending}
          error={update.error}
          onSubmit={(patch) => update.mutate({ id: policy.id, patch })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <Stack gap={4}>
          <Text size="sm">
            <Text span c="dimmed">
              Applies to:{' '}
            </Text>
            {policy.conditions.length === 0
              ? 'every ticket'
              : policy.conditions
                  .map(
                    (c) =>
                      `${c.field} ${c.op.replace('_', ' ')}${c.op === 'exists' ? '' : ` ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`}`,
                  )
                  .join(' and ')}
          </Text>
          <Text size="sm">
            <Text span c="dimmed">
              Clock:{' '}
            </Text>
            {policy.hours === 'calendar'
              ? 'calendar hours (24/7)'
              : `business hours of ${calendarName ?? '24/7 (no calendar)'}`}{' '}
            · at risk below {policy.atRiskPercent} % left
          </Text>
          {(['urgent', 'high', 'normal', 'low'] as const).map((priority) => {
            const t = policy.targets[priority];
            if (!t) return null;
            const parts = [
              t.firstResponse !== null ? `first response ${formatMinutes(t.firstResponse)}` : null,
              t.nextResponse !== null ? `next response ${formatMinutes(t.nextResponse)}` : null,
              t.resolution !== null ? `resolution ${formatMinutes(t.resolution)}` : null,
            ].filter(Boolean);
            return (
              <Text size="sm" key={priority}>
                <Text span fw={500}>
                  {priority[0]?.toUpperCase()}
                  {priority.slice(1)}
                </Text>
                : {parts.join(' · ') || 'no targets'}
              </Text>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}

function NewPolicy({ calendars }: { calendars: readonly BusinessCalendarView[] }) {
  const refresh = useRefresh();
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: slaApi.createPolicy,
    onSuccess: async () => {
      setFormKey((k) => k + 1);
      await refresh();
    },
  });
  return (
    <Paper withBorder p="sm" component="section" aria-label="New SLA policy">
      <Title order={4} mb="xs">
        New SLA policy
      </Title>
      <PolicyForm
        key={`${formKey}-${calendars.length}`}
        calendars={calendars}
        submitLabel="Create policy"
        pending={create.isPending}
        error={create.error}
        onSubmit={(policy) => create.mutate(policy)}
      />
    </Paper>
  );
}
