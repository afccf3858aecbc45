import { Button, Group, Stack, Text, Title } from '@mantine/core';
import type { BusinessCalendarView } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { CalendarForm, CalendarPaper, CalendarSummary } from './calendar-form';
import { slaApi, slaQueryKey, useCanManageSla } from './sla-api';
import { SlaDeleteButton } from './sla-delete-button';

/** `/business-calendars`: when SLA clocks run — weekly hours, holidays, time zone. */
export function BusinessCalendarsPage() {
  const { workspace } = useCurrentSession();
  const canManage = useCanManageSla();
  const calendars = useQuery({
    queryKey: [...slaQueryKey(workspace.id), 'calendars'],
    queryFn: slaApi.calendars,
  });
  return (
    <Stack maw={1000}>
      <div>
        <Title order={2}>Business calendars</Title>
        <Text c="dimmed" maw={760}>
          An SLA policy on business hours counts time only within its calendar: the weekly hours (several
          blocks a day), minus holidays, in the calendar’s time zone — daylight-saving changes included.
        </Text>
      </div>
      <QueryState isPending={calendars.isPending} error={calendars.error} refetch={calendars.refetch}>
        {(calendars.data?.data ?? []).map((calendar) => (
          <CalendarCard key={calendar.id + calendar.updatedAt} calendar={calendar} />
        ))}
        {calendars.data?.data.length === 0 && (
          <Text c="dimmed">No business calendars yet: SLA clocks run 24/7.</Text>
        )}
      </QueryState>
      {canManage && <NewCalendar />}
    </Stack>
  );
}

function useRefresh() {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: slaQueryKey(workspace.id) });
}

function CalendarCard({ calendar }: { calendar: BusinessCalendarView }) {
  const canManage = useCanManageSla();
  const refresh = useRefresh();
  const [editing, setEditing] = useState(false);
  const update = useMutation({
    mutationFn: slaApi.updateCalendar,
    onSuccess: async () => {
      setEditing(false);
      await refresh();
    },
  });
  const remove = useMutation({ mutationFn: slaApi.removeCalendar, onSuccess: refresh });
  return (
    <CalendarPaper title={calendar.name} label={`Calendar ${calendar.name}`}>
      {editing ? (
        <CalendarForm
          initial={calendar}
          submitLabel="Save calendar"
          pending={update.isPending}
          error={update.error}
          onSubmit={(patch) => update.mutate({ id: calendar.id, patch })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <Group justify="space-between" align="flex-start">
          <CalendarSummary calendar={calendar} />
          {canManage && (
            <Group gap="xs">
              <Button size="xs" variant="light" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <SlaDeleteButton
                what={calendar.name}
                question={`Delete ${calendar.name}? Policies using it must be changed first.`}
                pending={remove.isPending}
                error={remove.error}
                onConfirm={() => remove.mutate(calendar.id)}
              />
            </Group>
          )}
        </Group>
      )}
    </CalendarPaper>
  );
}

function NewCalendar() {
  const refresh = useRefresh();
  const [formKey, setFormKey] = useState(0);
  const create = useMutation({
    mutationFn: slaApi.createCalendar,
    onSuccess: async () => {
      setFormKey((k) => k + 1);
      await refresh();
    },
  });
  return (
    <CalendarPaper title="New business calendar" label="New business calendar">
      <CalendarForm
        key={formKey}
        submitLabel="Create calendar"
        pending={create.isPending}
        error={create.error}
        onSubmit={(calendar) => create.mutate(calendar)}
      />
    </CalendarPaper>
  );
}
