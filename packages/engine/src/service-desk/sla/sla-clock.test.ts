import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from './business-calendar.js';
import { clockAt, computeSlaClock, formatDuration } from './sla-clock.js';
import { matchPolicy, type SlaPolicy } from './sla-policy.js';
import type { TicketStatus, TicketTimeline } from './ticket-timeline.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const policy = (overrides: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id: 'slap_1',
  name: 'Standard',
  position: 0,
  enabled: true,
  conditions: [],
  hours: 'calendar',
  calendarId: null,
  targets: { normal: { firstResponse: 60, nextResponse: 120, resolution: 480 } },
  atRiskPercent: 20,
  ...overrides,
});

const timeline = (overrides: Partial<TicketTimeline> = {}): TicketTimeline => ({
  workspaceId: 'ws_1',
  ticketId: 'tick_1',
  priority: 'normal',
  type: null,
  tags: [],
  teamId: null,
  createdAt: '2026-01-05T08:00:00.000Z',
  statusChanges: [{ status: 'new', at: '2026-01-05T08:00:00.000Z' }],
  publicMessages: [{ author: 'requester', at: '2026-01-05T08:00:00.000Z' }],
  profileId: 'prof_1',
  ...overrides,
});

const parisOffice: BusinessCalendar = {
  timeZone: 'Europe/Paris',
  holidays: [],
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
};

describe('SLA clock', () => {
  it('sets due times from creation on a 24/7 clock', () => {
    const clock = computeSlaClock({
      timeline: timeline(),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T08:10:00Z'),
    });
    expect(clock.firstResponseDueAt).toBe('2026-01-05T09:00:00.000Z');
    expect(clock.resolutionDueAt).toBe('2026-01-05T16:00:00.000Z');
    expect(clock.nextResponseDueAt).toBeNull();
    expect(clock.breached).toEqual([]);
    expect(clock.atRisk).toBe(false);
    // The first thing to change by time alone: first response at risk at 80 % of 60 min.
    expect(iso(clock.nextCheckAt ?? 0)).toBe('2026-01-05T08:48:00.000Z');
  });

  it('counts only business hours of the policy calendar', () => {
    // Friday 16:00 Paris; a 2 h first response target → Monday 10:00 Paris.
    const clock = computeSlaClock({
      timeline: timeline({
        createdAt: '2026-01-09T15:00:00.000Z',
        statusChanges: [{ status: 'new', at: '2026-01-09T15:00:00.000Z' }],
      }),
      policy: policy({
        hours: 'business',
        calendarId: 'cal_1',
        targets: { normal: { firstResponse: 120, nextResponse: null, resolution: null } },
      }),
      calendar: parisOffice,
      now: at('2026-01-09T15:30:00Z'),
    });
    expect(clock.firstResponseDueAt).toBe('2026-01-12T09:00:00.000Z');
    expect(clock.explanation).toContain('clock runs Mon–Fri 09:00–17:00 Europe/Paris');
  });

  it('pauses while pending and explains by how much', () => {
    const clock = computeSlaClock({
      timeline: timeline({
        statusChanges: [
          { status: 'new', at: '2026-01-05T08:00:00.000Z' },
          { status: 'pending', at: '2026-01-05T08:20:00.000Z' },
          { status: 'open', at: '2026-01-05T10:30:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T10:40:00Z'),
    });
    // 20 min ran before the pause; 40 min remain from 10:30.
    expect(clock.firstResponseDueAt).toBe('2026-01-05T11:10:00.000Z');
    expect(clock.pausedMs).toBe(2 * HOUR + 10 * MINUTE);
    expect(clock.explanation).toContain('paused 2 h 10 m while pending');
    expect(clock.breached).toEqual([]);
  });

  it('has no due time while paused with no end yet, and nothing to check', () => {
    const clock = computeSlaClock({
      timeline: timeline({
        statusChanges: [
          { status: 'new', at: '2026-01-05T08:00:00.000Z' },
          { status: 'on_hold', at: '2026-01-05T08:30:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T12:00:00Z'),
    });
    expect(clock.firstResponseDueAt).toBeNull();
    expect(clock.breached).toEqual([]);
    expect(clock.nextCheckAt).toBeNull();
    expect(clock.pausedMs).toBe(3.5 * HOUR);
    expect(clock.explanation).toContain('paused since 2026-01-05T08:30:00.000Z while on hold');
  });

  it('marks a late first reply as breached, and a timely one as met', () => {
    const late = computeSlaClock({
      timeline: timeline({
        publicMessages: [
          { author: 'requester', at: '2026-01-05T08:00:00.000Z' },
          { author: 'agent', at: '2026-01-05T09:30:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T09:31:00Z'),
    });
    expect(late.breached).toEqual(['first_response']);
    expect(late.explanation.some((line) => line.includes('met late at 2026-01-05T09:30:00.000Z'))).toBe(true);
    const timely = computeSlaClock({
      timeline: timeline({
        publicMessages: [
          { author: 'requester', at: '2026-01-05T08:00:00.000Z' },
          { author: 'agent', at: '2026-01-05T08:30:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T09:31:00Z'),
    });
    expect(timely.breached).toEqual([]);
  });

  it('breaches an unanswered ticket once the due time passes, at risk before that', () => {
    const input = { timeline: timeline(), policy: policy(), calendar: null };
    expect(computeSlaClock({ ...input, now: at('2026-01-05T08:47:00Z') }).atRisk).toBe(false);
    expect(computeSlaClock({ ...input, now: at('2026-01-05T08:50:00Z') }).atRisk).toBe(true);
    const after = computeSlaClock({ ...input, now: at('2026-01-05T09:00:00Z') });
    expect(after.breached).toEqual(['first_response']);
    // Next: resolution turns at risk at 80 % of 8 h.
    expect(iso(after.nextCheckAt ?? 0)).toBe('2026-01-05T14:24:00.000Z');
  });

  it('starts a next response clock at each requester message after an agent reply', () => {
    const clock = computeSlaClock({
      timeline: timeline({
        statusChanges: [
          { status: 'new', at: '2026-01-05T08:00:00.000Z' },
          { status: 'open', at: '2026-01-05T08:10:00.000Z' },
        ],
        publicMessages: [
          { author: 'requester', at: '2026-01-05T08:00:00.000Z' },
          { author: 'agent', at: '2026-01-05T08:10:00.000Z' },
          { author: 'requester', at: '2026-01-05T09:00:00.000Z' },
          { author: 'requester', at: '2026-01-05T09:05:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T09:10:00Z'),
    });
    // Counted from the first of the unanswered messages.
    expect(clock.nextResponseDueAt).toBe('2026-01-05T11:00:00.000Z');
    expect(clock.breached).toEqual([]);
  });

  it('keeps a breach of an earlier next response cycle', () => {
    const clock = computeSlaClock({
      timeline: timeline({
        publicMessages: [
          { author: 'requester', at: '2026-01-05T08:00:00.000Z' },
          { author: 'agent', at: '2026-01-05T08:10:00.000Z' },
          { author: 'requester', at: '2026-01-05T09:00:00.000Z' },
          { author: 'agent', at: '2026-01-05T11:30:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T11:31:00Z'),
    });
    expect(clock.breached).toEqual(['next_response']);
    expect(clock.nextResponseDueAt).toBeNull();
  });

  it('stops at the final solve; a solved stretch followed by a reopen pauses', () => {
    const solved = computeSlaClock({
      timeline: timeline({
        statusChanges: [
          { status: 'new', at: '2026-01-05T08:00:00.000Z' },
          { status: 'solved', at: '2026-01-05T10:00:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-06T08:00:00Z'),
    });
    // First response was due at 09:00 and never came before the solve: breached; resolution met.
    expect(solved.breached).toEqual(['first_response']);
    expect(solved.nextCheckAt).toBeNull();
    const reopened = computeSlaClock({
      timeline: timeline({
        statusChanges: [
          { status: 'new', at: '2026-01-05T08:00:00.000Z' },
          { status: 'solved', at: '2026-01-05T10:00:00.000Z' },
          { status: 'open', at: '2026-01-05T12:00:00.000Z' },
        ],
      }),
      policy: policy(),
      calendar: null,
      now: at('2026-01-05T12:00:00Z'),
    });
    expect(reopened.resolutionDueAt).toBe('2026-01-05T18:00:00.000Z');
    expect(reopened.explanation).toContain('paused 2 h while solved before being reopened');
  });

  it('explains that no policy applies, or that the priority has no targets', () => {
    const none = computeSlaClock({ timeline: timeline(), policy: null, calendar: null, now: 0 });
    expect(none.explanation[0]).toBe('no SLA policy applies to this ticket');
    const urgentOnly = computeSlaClock({
      timeline: timeline(),
      policy: policy({ targets: { urgent: { firstResponse: 15, nextResponse: null, resolution: null } } }),
      calendar: null,
      now: 0,
    });
    expect(urgentOnly.firstResponseDueAt).toBeNull();
    expect(urgentOnly.explanation).toContain('no targets for normal priority');
  });

  it('formats durations for people', () => {
    expect(formatDuration(2 * HOUR + 10 * MINUTE)).toBe('2 h 10 m');
    expect(formatDuration(45 * MINUTE)).toBe('45 m');
    expect(formatDuration(76 * HOUR)).toBe('3 d 4 h');
  });
});

describe('SLA policy matching', () => {
  const enterprise = policy({
    id: 'slap_ent',
    name: 'Enterprise',
    position: 0,
    conditions: [
      { field: 'traits.plan', op: 'is', value: 'enterprise' },
      { field: 'priority', op: 'in', value: ['high', 'urgent'] },
    ],
  });
  const billing = policy({
    id: 'slap_bill',
    name: 'Billing',
    position: 1,
    conditions: [{ field: 'tags', op: 'is', value: 'billing' }],
  });
  const fallback = policy({ id: 'slap_std', name: 'Standard', position: 2 });

  it('picks the first policy, by position, whose conditions all hold', () => {
    const policies = [fallback, billing, enterprise];
    expect(matchPolicy(policies, timeline({ priority: 'urgent' }), { plan: 'Enterprise' })?.id).toBe(
      'slap_ent',
    );
    expect(
      matchPolicy(policies, timeline({ priority: 'low', tags: ['billing'] }), { plan: 'enterprise' })?.id,
    ).toBe('slap_bill');
    expect(matchPolicy(policies, timeline({ priority: 'urgent' }), { plan: 'free' })?.id).toBe('slap_std');
    expect(matchPolicy([{ ...fallback, enabled: false }], timeline(), {})).toBeNull();
  });
});

describe('SLA clock properties', () => {
  const statuses = fc.constantFrom<TicketStatus>('open', 'pending', 'on_hold', 'solved');
  const base = at('2026-03-02T06:00:00Z');
  // Status changes and messages at increasing minutes after creation.
  const histories = fc.record({
    changes: fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), statuses), { maxLength: 6 }),
    messages: fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), fc.boolean()), { maxLength: 6 }),
  });
  const toTimeline = (history: { changes: [number, TicketStatus][]; messages: [number, boolean][] }) => {
    let t = base;
    const statusChanges: { status: TicketStatus; at: string }[] = [{ status: 'new', at: iso(base) }];
    for (const [gap, status] of history.changes) {
      t += gap * MINUTE;
      statusChanges.push({ status, at: iso(t) });
    }
    let m = base;
    const publicMessages = history.messages.map(([gap, agent]) => {
      m += gap * MINUTE;
      return { author: agent ? ('agent' as const) : ('requester' as const), at: iso(m) };
    });
    return timeline({ createdAt: iso(base), statusChanges, publicMessages });
  };
  const calendars = fc.constantFrom<BusinessCalendar | null>(null, parisOffice);

  it('inserting a pause never makes a due time earlier', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        histories,
        calendars,
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 1, max: 600 }),
        (history, calendar, pauseStart, pauseLength) => {
          const plain = toTimeline(history);
          // The same history with a pending stretch before its first change.
          const from = base + pauseStart * MINUTE;
          const changes = plain.statusChanges;
          if (changes.length > 1 && Date.parse(changes[1]?.at ?? '') <= from + pauseLength * MINUTE) return;
          const paused = {
            ...plain,
            statusChanges: [
              changes[0] ?? { status: 'new' as const, at: iso(base) },
              { status: 'pending' as const, at: iso(from) },
              { status: 'open' as const, at: iso(from + pauseLength * MINUTE) },
              ...changes.slice(1),
            ],
          };
          const p = policy({ hours: calendar ? 'business' : 'calendar' });
          const now = base + 2000 * MINUTE;
          const before = computeSlaClock({ timeline: plain, policy: p, calendar, now });
          const after = computeSlaClock({ timeline: paused, policy: p, calendar, now });
          for (const key of ['firstResponseDueAt', 'nextResponseDueAt', 'resolutionDueAt'] as const) {
            const a = before[key];
            const b = after[key];
            if (a !== null && b !== null) {
              compared++;
              expect(Date.parse(b)).toBeGreaterThanOrEqual(Date.parse(a));
            }
          }
          // A pause can only remove breaches, never add one.
          for (const metric of after.breached) expect(before.breached).toContain(metric);
        },
      ),
      { numRuns: 200 },
    );
    expect(compared).toBeGreaterThan(50);
  });

  it('a stored clock brought to a later instant agrees with recomputing it then (the sweeper’s view)', () => {
    let changedInBetween = 0;
    fc.assert(
      fc.property(
        histories,
        calendars,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (history, calendar, a, b) => {
          const p = policy({ hours: calendar ? 'business' : 'calendar' });
          const tl = toTimeline(history);
          const [early, late] = [Math.min(a, b), Math.max(a, b)].map((m) => base + m * MINUTE) as [
            number,
            number,
          ];
          const stored = computeSlaClock({ timeline: tl, policy: p, calendar, now: early });
          const recomputed = computeSlaClock({ timeline: tl, policy: p, calendar, now: late });
          const refreshed = clockAt(JSON.parse(JSON.stringify(stored)), late);
          const { explanation: _e1, ...fromStore } = refreshed;
          const { explanation: _e2, ...fresh } = recomputed;
          expect(fromStore).toEqual(fresh);
          if (stored.breached.length !== recomputed.breached.length || stored.atRisk !== recomputed.atRisk)
            changedInBetween++;
        },
      ),
      { numRuns: 300 },
    );
    expect(changedInBetween).toBeGreaterThan(10);
  });

  it('breaches only accumulate as time passes, and the next check is in the future', () => {
    fc.assert(
      fc.property(
        histories,
        calendars,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (history, calendar, a, b) => {
          const p = policy({ hours: calendar ? 'business' : 'calendar' });
          const tl = toTimeline(history);
          const [early, late] = [Math.min(a, b), Math.max(a, b)].map((m) => base + m * MINUTE) as [
            number,
            number,
          ];
          const first = computeSlaClock({ timeline: tl, policy: p, calendar, now: early });
          const second = computeSlaClock({ timeline: tl, policy: p, calendar, now: late });
          for (const metric of first.breached) expect(second.breached).toContain(metric);
          if (first.nextCheckAt !== null) expect(first.nextCheckAt).toBeGreaterThan(early);
        },
      ),
      { numRuns: 200 },
    );
  });
});
