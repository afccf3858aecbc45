import {
  addDays,
  dateKey,
  instantOf,
  isKnownTimeZone,
  isoWeekday,
  type LocalDate,
  localDateOf,
} from './zoned-time.js';

/** One stretch of working time on a weekday, as local wall-clock `HH:MM` (end `24:00` allowed). */
export interface WeeklyBlock {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly day: number;
  readonly start: string;
  readonly end: string;
}

/** When the SLA clock runs: weekly blocks (several a day), holidays (local dates), a time zone. */
export interface BusinessCalendar {
  readonly timeZone: string;
  readonly weekly: readonly WeeklyBlock[];
  /** `YYYY-MM-DD` local dates with no business time at all. */
  readonly holidays: readonly string[];
}

/** No calendar means the clock runs around the clock (24/7). */
export type CalendarOrNone = BusinessCalendar | null;

/** Far enough ahead for any real target; a calendar this empty is a configuration error. */
const MAX_SCAN_DAYS = 3 * 366;
const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

function minuteOf(hhmm: string): number {
  const match = HHMM.exec(hhmm);
  if (!match) return Number.NaN;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** What is wrong with a calendar, one line per problem (empty when it is valid). */
export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isKnownTimeZone(calendar.timeZone))
    problems.push(`timeZone: unknown time zone "${calendar.timeZone}"`);
  if (calendar.weekly.length === 0) problems.push('weekly: at least one block of business hours is needed');
  calendar.weekly.forEach((block, index) => {
    const start = minuteOf(block.start);
    const end = minuteOf(block.end);
    if (!Number.isInteger(block.day) || block.day < 1 || block.day > 7) {
      problems.push(`weekly[${index}].day: must be 1 (Monday) to 7 (Sunday)`);
    }
    if (Number.isNaN(start) || start >= 1440)
      problems.push(`weekly[${index}].start: must be HH:MM before 24:00`);
    if (Number.isNaN(end) || end > 1440) problems.push(`weekly[${index}].end: must be HH:MM up to 24:00`);
    if (start >= end) problems.push(`weekly[${index}]: end must come after start`);
  });
  for (let day = 1; day <= 7; day++) {
    const blocks = blocksOf(calendar, day);
    for (let i = 1; i < blocks.length; i++) {
      const previous = blocks[i - 1];
      const current = blocks[i];
      if (previous && current && current[0] < previous[1])
        problems.push(`weekly: blocks of day ${day} overlap`);
    }
  }
  calendar.holidays.forEach((holiday, index) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(holiday) || Number.isNaN(Date.parse(`${holiday}T00:00:00Z`))) {
      problems.push(`holidays[${index}]: must be a date YYYY-MM-DD`);
    }
  });
  return problems;
}

/** A weekday's blocks as [startMinute, endMinute), in order. */
function blocksOf(calendar: BusinessCalendar, day: number): [number, number][] {
  return calendar.weekly
    .filter((block) => block.day === day)
    .map((block): [number, number] => [minuteOf(block.start), minuteOf(block.end)])
    .sort((a, b) => a[0] - b[0]);
}

/** A local date's business time as instants [start, end), in order (none on holidays). */
function businessIntervalsOn(calendar: BusinessCalendar, date: LocalDate): [number, number][] {
  if (calendar.holidays.includes(dateKey(date))) return [];
  return blocksOf(calendar, isoWeekday(date)).map(([start, end]): [number, number] => [
    instantOf(date, start, calendar.timeZone),
    instantOf(date, end, calendar.timeZone),
  ]);
}

/**
 * Business time between two instants, in real milliseconds (a block that spans a DST change
 * counts the hour that really passed). Zero when `to` is not after `from`.
 */
export function businessMsBetween(calendar: CalendarOrNone, from: number, to: number): number {
  if (to <= from) return 0;
  if (!calendar) return to - from;
  let total = 0;
  // Start a day early so a date boundary shifted by DST never hides the first block.
  let date = addDays(localDateOf(from, calendar.timeZone), -1);
  const last = localDateOf(to, calendar.timeZone);
  for (;;) {
    for (const [start, end] of businessIntervalsOn(calendar, date)) {
      total += Math.max(0, Math.min(end, to) - Math.max(start, from));
    }
    if (dateKey(date) >= dateKey(last)) return total;
    date = addDays(date, 1);
  }
}

/**
 * The instant `ms` of business time after `from`: the inverse of businessMsBetween
 * (businessMsBetween(c, from, addBusinessMs(c, from, ms)) === ms). Adding zero returns `from`.
 */
export function addBusinessMs(calendar: CalendarOrNone, from: number, ms: number): number {
  if (ms <= 0 || !calendar) return from + Math.max(0, ms);
  let remaining = ms;
  let date = addDays(localDateOf(from, calendar.timeZone), -1);
  for (let scanned = 0; scanned <= MAX_SCAN_DAYS; scanned++) {
    for (const [start, end] of businessIntervalsOn(calendar, date)) {
      const begin = Math.max(start, from);
      if (end <= begin) continue;
      if (remaining <= end - begin) return begin + remaining;
      remaining -= end - begin;
    }
    date = addDays(date, 1);
  }
  throw new Error(`calendar has no business time within ${MAX_SCAN_DAYS} days`);
}

/** A short description: "Mon–Fri 09:00–12:00, 13:00–17:00 Europe/Paris, 3 holidays". */
export function describeCalendar(calendar: CalendarOrNone): string {
  if (!calendar) return '24/7';
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const byDay = new Map<string, number[]>();
  for (let day = 1; day <= 7; day++) {
    const hours = blocksOf(calendar, day)
      .map(([s, e]) => `${hhmm(s)}–${hhmm(e)}`)
      .join(', ');
    if (!hours) continue;
    byDay.set(hours, [...(byDay.get(hours) ?? []), day]);
  }
  const parts = [...byDay].map(([hours, days]) => `${dayRange(days, names)} ${hours}`);
  const holidays = calendar.holidays.length;
  const suffix = holidays > 0 ? `, ${holidays} holiday${holidays === 1 ? '' : 's'}` : '';
  return `${parts.join('; ')} ${calendar.timeZone}${suffix}`;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function dayRange(days: number[], names: string[]): string {
  const first = days[0] ?? 1;
  const last = days[days.length - 1] ?? 1;
  const contiguous = days.length === last - first + 1;
  if (contiguous && days.length > 2) return `${names[first - 1]}–${names[last - 1]}`;
  return days.map((d) => names[d - 1]).join(', ');
}
