import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { BusinessCalendarView, NewBusinessCalendar, WeeklyBlock } from '@tandem/contract';
import { type FormEvent, type ReactNode, useMemo, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { WEEKDAYS } from './sla-api';

const OFFICE_HOURS: WeeklyBlock[] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

/** Every IANA zone the browser knows (the server checks the name too). */
function timeZoneOptions(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York'];
}

/**
 * A business calendar: its time zone, weekly blocks (several per day, e.g. a lunch break between
 * two) and holidays. Used to create one and to edit one.
 */
export function CalendarForm(props: {
  initial?: BusinessCalendarView;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (calendar: NewBusinessCalendar) => void;
  onCancel?: () => void;
}) {
  const { initial } = props;
  const zones = useMemo(timeZoneOptions, []);
  const [name, setName] = useState(initial?.name ?? '');
  // The browser's own zone by default.
  const [timeZone, setTimeZone] = useState<string | null>(
    initial?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  // The list may lack a valid alias (UTC, Etc/UTC): the chosen zone is always offered.
  const zoneOptions = timeZone && !zones.includes(timeZone) ? [timeZone, ...zones] : zones;
  const [weekly, setWeekly] = useState<WeeklyBlock[]>(initial?.weekly ?? OFFICE_HOURS);
  const [holidays, setHolidays] = useState<string[]>(initial?.holidays ?? []);
  const [holiday, setHoliday] = useState('');

  const setBlock = (index: number, change: Partial<WeeklyBlock>) =>
    setWeekly(weekly.map((block, i) => (i === index ? { ...block, ...change } : block)));
  const addBlock = (day: number) => {
    const last = weekly.filter((b) => b.day === day).at(-1);
    setWeekly([
      ...weekly,
      last
        ? { day, start: last.end, end: last.end === '24:00' ? '24:00' : '18:00' }
        : { day, start: '09:00', end: '17:00' },
    ]);
  };
  const addHoliday = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || holidays.includes(holiday)) return;
    setHolidays([...holidays, holiday].sort());
    setHoliday('');
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSubmit({ name: name.trim(), timeZone: timeZone ?? 'UTC', weekly, holidays });
  };

  return (
    <form onSubmit={submit} aria-label={initial ? `Edit ${initial.name}` : 'New business calendar'}>
      <Stack gap="sm">
        <Group align="flex-end">
          <TextInput
            label="Calendar name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={260}
            required
          />
          <Select
            label="Time zone"
            data={zoneOptions}
            value={timeZone}
            onChange={setTimeZone}
            searchable
            w={260}
          />
        </Group>
        <div>
          <Text fw={500} size="sm" mb={4}>
            Business hours (local time)
          </Text>
          <Stack gap={6}>
            {WEEKDAYS.map((dayName, dayIndex) => {
              const day = dayIndex + 1;
              const blocks = weekly
                .map((block, index) => ({ block, index }))
                .filter(({ block }) => block.day === day);
              return (
                <Group key={dayName} gap="xs" wrap="nowrap" aria-label={`${dayName} hours`} role="group">
                  <Text size="sm" w={96}>
                    {dayName}
                  </Text>
                  {blocks.length === 0 && (
                    <Text size="sm" c="dimmed" w={120}>
                      Closed
                    </Text>
                  )}
                  {blocks.map(({ block, index }, n) => (
                    <Group key={index} gap={4} wrap="nowrap">
                      <TextInput
                        aria-label={`${dayName} block ${n + 1} start`}
                        value={block.start}
                        onChange={(e) => setBlock(index, { start: e.currentTarget.value })}
                        placeholder="HH:MM"
                        w={80}
                      />
                      <Text size="sm">–</Text>
                      <TextInput
                        aria-label={`${dayName} block ${n + 1} end`}
                        value={block.end}
                        onChange={(e) => setBlock(index, { end: e.currentTarget.value })}
                        placeholder="HH:MM"
                        w={80}
                      />
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${dayName} block ${n + 1}`}
                        onClick={() => setWeekly(weekly.filter((_, i) => i !== index))}
                      >
                        ×
                      </ActionIcon>
                    </Group>
                  ))}
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => addBlock(day)}
                    aria-label={`Add ${dayName} block`}
                  >
                    + block
                  </Button>
                </Group>
              );
            })}
          </Stack>
        </div>
        <div>
          <Text fw={500} size="sm" mb={4}>
            Holidays
          </Text>
          <Group gap="xs" mb={6}>
            {holidays.length === 0 && (
              <Text size="sm" c="dimmed">
                None
              </Text>
            )}
            {holidays.map((date) => (
              <Badge
                key={date}
                variant="light"
                rightSection={
                  <ActionIcon
                    size="xs"
                    variant="transparent"
                    aria-label={`Remove holiday ${date}`}
                    onClick={() => setHolidays(holidays.filter((d) => d !== date))}
                  >
                    ×
                  </ActionIcon>
                }
              >
                {date}
              </Badge>
            ))}
          </Group>
          <Group gap="xs" align="flex-end">
            <TextInput
              type="date"
              aria-label="Holiday date"
              value={holiday}
              onChange={(e) => setHoliday(e.currentTarget.value)}
              w={170}
            />
            <Button variant="light" size="xs" onClick={addHoliday}>
              Add holiday
            </Button>
          </Group>
        </div>
        <Group>
          <Button type="submit" loading={props.pending} disabled={name.trim() === '' || weekly.length === 0}>
            {props.submitLabel}
          </Button>
          {props.onCancel && (
            <Button variant="subtle" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
        </Group>
        {props.error ? (
          <Alert color="red" role="alert">
            {errorMessage(props.error)}
          </Alert>
        ) : null}
      </Stack>
    </form>
  );
}

/** A calendar's hours in one line per distinct set of hours. */
export function CalendarSummary({ calendar }: { calendar: BusinessCalendarView }) {
  const byDay = WEEKDAYS.map((name, i) => ({
    name: name.slice(0, 3),
    hours: calendar.weekly
      .filter((b) => b.day === i + 1)
      .sort((a, b) => a.start.localeCompare(b.start))
      .map((b) => `${b.start}–${b.end}`)
      .join(', '),
  }));
  return (
    <Stack gap={2}>
      {byDay.map((day) => (
        <Text key={day.name} size="sm">
          <Text span fw={500} w={40} display="inline-block">
            {day.name}
          </Text>{' '}
          {day.hours || (
            <Text span c="dimmed">
              closed
            </Text>
          )}
        </Text>
      ))}
      <Text size="sm" c="dimmed" mt={4}>
        {calendar.timeZone} ·{' '}
        {calendar.holidays.length === 0 ? 'no holidays' : `holidays: ${calendar.holidays.join(', ')}`}
      </Text>
    </Stack>
  );
}

export function CalendarPaper(props: { title: string; children: ReactNode; label: string }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={props.label}>
      <Title order={4} mb="xs">
        {props.title}
      </Title>
      {props.children}
    </Paper>
  );
}
