import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  calendarProblems,
  describeCalendar,
} from './business-calendar.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const weekdays = (
  blocks: [string, string][],
  timeZone: string,
  holidays: string[] = [],
): BusinessCalendar => ({
  timeZone,
  holidays,
  weekly: [1, 2, 3, 4, 5].flatMap((day) => blocks.map(([start, end]) => ({ day, start, end }))),
});
const paris = weekdays([['09:00', '17:00']], 'Europe/Paris');
const parisWithLunch = weekdays(
  [
    ['09:00', '12:00'],
    ['13:00', '17:00'],
  ],
  'Europe/Paris',
);
const allDay = (timeZone: string): BusinessCalendar => ({
  timeZone,
  holidays: [],
  weekly: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
});

describe('business calendar', () => {
  it('carries time left at the end of Friday over to Monday morning', () => {
    // Friday 2026-01-09 16:00 Paris (15:00Z) + 2 h → Monday 10:00 Paris (09:00Z).
    expect(iso(addBusinessMs(paris, at('2026-01-09T15:00:00Z'), 2 * HOUR))).toBe('2026-01-12T09:00:00.000Z');
    expect(businessMsBetween(paris, at('2026-01-09T15:00:00Z'), at('2026-01-12T09:00:00Z'))).toBe(2 * HOUR);
  });

  it('counts several blocks a day and skips the gap between them', () => {
    // 11:30 Paris + 1 h: 30 min before lunch, 30 min after → 13:30 Paris (12:30Z).
    expect(iso(addBusinessMs(parisWithLunch, at('2026-01-06T10:30:00Z'), HOUR))).toBe(
      '2026-01-06T12:30:00.000Z',
    );
    expect(businessMsBetween(parisWithLunch, at('2026-01-06T00:00:00Z'), at('2026-01-07T00:00:00Z'))).toBe(
      7 * HOUR,
    );
  });

  it('starts counting at the next block when asked outside business hours', () => {
    // Saturday noon + 30 min → Monday 09:30 Paris.
    expect(iso(addBusinessMs(paris, at('2026-01-10T11:00:00Z'), 30 * MINUTE))).toBe(
      '2026-01-12T08:30:00.000Z',
    );
    expect(businessMsBetween(paris, at('2026-01-10T11:00:00Z'), at('2026-01-11T20:00:00Z'))).toBe(0);
  });

  it('skips holidays', () => {
    const withHoliday = weekdays([['09:00', '17:00']], 'Europe/Paris', ['2026-01-12']);
    // Friday 16:00 + 2 h, Monday a holiday → Tuesday 10:00 Paris.
    expect(iso(addBusinessMs(withHoliday, at('2026-01-09T15:00:00Z'), 2 * HOUR))).toBe(
      '2026-01-13T09:00:00.000Z',
    );
    expect(businessMsBetween(withHoliday, at('2026-01-12T00:00:00Z'), at('2026-01-13T00:00:00Z'))).toBe(0);
  });

  it('reads business hours in the calendar time zone, not UTC', () => {
    const tokyo = weekdays([['09:00', '17:00']], 'Asia/Tokyo');
    // Monday 09:00 Tokyo is Monday 00:00Z.
    expect(iso(addBusinessMs(tokyo, at('2026-01-04T12:00:00Z'), MINUTE))).toBe('2026-01-05T00:01:00.000Z');
  });

  it('keeps 09:00 local across the spring DST change (New York, 8 March 2026)', () => {
    const newYork = weekdays([['09:00', '17:00']], 'America/New_York');
    // Friday 16:00 EST (21:00Z) + 2 h → Monday 10:00 EDT (14:00Z), not 15:00Z.
    expect(iso(addBusinessMs(newYork, at('2026-03-06T21:00:00Z'), 2 * HOUR))).toBe(
      '2026-03-09T14:00:00.000Z',
    );
  });

  it('keeps 09:00 local across the autumn DST change (Paris, 25 October 2026)', () => {
    // Friday 16:00 CEST (14:00Z) + 2 h → Monday 10:00 CET (09:00Z).
    expect(iso(addBusinessMs(paris, at('2026-10-23T14:00:00Z'), 2 * HOUR))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts the hours that really pass on DST days: 23 h in spring, 25 h in autumn', () => {
    const calendar = allDay('Europe/Paris');
    expect(businessMsBetween(calendar, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(
      23 * HOUR,
    );
    expect(businessMsBetween(calendar, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(
      25 * HOUR,
    );
  });

  it('moves a block start that falls in the spring-forward gap to after the gap', () => {
    const sunday: BusinessCalendar = {
      timeZone: 'Europe/Paris',
      holidays: [],
      weekly: [{ day: 7, start: '02:30', end: '04:00' }],
    };
    // 29 March 2026: 02:00 → 03:00 Paris. 02:30 does not exist: the block runs 03:30–04:00 CEST.
    expect(iso(addBusinessMs(sunday, at('2026-03-28T12:00:00Z'), MINUTE))).toBe('2026-03-29T01:31:00.000Z');
    expect(businessMsBetween(sunday, at('2026-03-29T00:00:00Z'), at('2026-03-29T03:00:00Z'))).toBe(
      30 * MINUTE,
    );
  });

  it('runs around the clock without a calendar', () => {
    expect(addBusinessMs(null, 1000, 5000)).toBe(6000);
    expect(businessMsBetween(null, 1000, 6000)).toBe(5000);
  });

  it('names what is wrong with a calendar', () => {
    expect(
      calendarProblems({
        timeZone: 'Mars/Olympus',
        holidays: ['2026-13-45x'],
        weekly: [
          { day: 8, start: '09:00', end: '08:00' },
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '11:00', end: '13:00' },
        ],
      }),
    ).toEqual([
      'timeZone: unknown time zone "Mars/Olympus"',
      'weekly[0].day: must be 1 (Monday) to 7 (Sunday)',
      'weekly[0]: end must come after start',
      'weekly: blocks of day 1 overlap',
      'holidays[0]: must be a date YYYY-MM-DD',
    ]);
    expect(calendarProblems(parisWithLunch)).toEqual([]);
  });

  it('describes itself for explanations', () => {
    expect(describeCalendar(parisWithLunch)).toBe('Mon–Fri 09:00–12:00, 13:00–17:00 Europe/Paris');
    expect(describeCalendar(null)).toBe('24/7');
  });

  describe('properties', () => {
    const zones = fc.constantFrom(
      'Europe/Paris',
      'America/New_York',
      'Australia/Sydney',
      'Asia/Kolkata',
      'UTC',
    );
    const calendars = fc
      .record({
        timeZone: zones,
        days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        start: fc.integer({ min: 0, max: 22 }),
        length: fc.integer({ min: 1, max: 10 }),
        holidays: fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 5 }),
      })
      .map(
        ({ timeZone, days, start, length, holidays }): BusinessCalendar => ({
          timeZone,
          weekly: days.map((day) => ({
            day,
            start: `${String(start).padStart(2, '0')}:00`,
            end: `${String(Math.min(24, start + length)).padStart(2, '0')}:00`,
          })),
          holidays: holidays.map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10)),
        }),
      );
    // Instants over 2026, DST changes of every zone included.
    const instants = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') });

    it('adding then measuring business time gives back the amount added', () => {
      fc.assert(
        fc.property(calendars, instants, fc.integer({ min: 0, max: 40 * 60 }), (calendar, from, minutes) => {
          const due = addBusinessMs(calendar, from, minutes * MINUTE);
          expect(due).toBeGreaterThanOrEqual(from);
          expect(businessMsBetween(calendar, from, due)).toBe(minutes * MINUTE);
        }),
        { numRuns: 200 },
      );
    });

    it('business time is additive over consecutive stretches and never exceeds real time', () => {
      fc.assert(
        fc.property(calendars, instants, instants, instants, (calendar, a, b, c) => {
          const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
          const whole = businessMsBetween(calendar, x, z);
          expect(whole).toBe(businessMsBetween(calendar, x, y) + businessMsBetween(calendar, y, z));
          expect(whole).toBeLessThanOrEqual(z - x);
        }),
        { numRuns: 100 },
      );
    });
  });
});
