import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  describeCalendar,
} from './business-calendar.js';
import { describeConditions, type SlaPolicy } from './sla-policy.js';
import type { SlaClock, SlaMetric, TicketStatus, TicketTimeline } from './ticket-timeline.js';

/**
 * The SLA clock of a ticket, derived from its own history alone (statuses and public messages),
 * so every figure can be explained and recomputed:
 * - first response runs from creation to the first public agent reply;
 * - next response runs from each requester message that follows an agent reply to the next agent reply;
 * - resolution runs from creation until the ticket is solved (or closed) for good;
 * - pending and on hold pause every clock, and so does a solved period the ticket was reopened after;
 * - time counts only within the policy's business calendar (or around the clock).
 */

/** One measured target: when it is due, when it turns at risk, and when it was met (if it was). */
export interface SlaDeadline {
  readonly metric: SlaMetric;
  /** Null while the clock is paused with no end in sight (the ticket is pending / on hold). */
  readonly dueAt: number | null;
  readonly atRiskAt: number | null;
  readonly metAt: number | null;
  /** True once the ticket no longer runs this clock (met, or solved before it could be). */
  readonly settled: boolean;
  readonly breached: boolean;
}

/** The clock with what the sweeper needs to act on time without the timeline. */
export interface SlaClockState extends SlaClock {
  readonly deadlines: readonly SlaDeadline[];
  /** The next instant the clock's state changes by time alone (at risk, breach); null: none. */
  readonly nextCheckAt: number | null;
  /** The due time of a running target that is at risk or breached (the inbox's "at risk" view). */
  readonly attentionAt: number | null;
  /** Real time of finished pauses, and the start of the ongoing one (pausedMs at any instant). */
  readonly closedPausedMs: number;
  readonly pausedSince: number | null;
}

export interface SlaClockInput {
  readonly timeline: TicketTimeline;
  readonly policy: SlaPolicy | null;
  /** The policy's calendar (ignored for `calendar` hours); null = 24/7. */
  readonly calendar: BusinessCalendar | null;
  readonly now: number;
}

const PAUSING: readonly TicketStatus[] = ['pending', 'on_hold'];
const STOPPING: readonly TicketStatus[] = ['solved', 'closed'];
const MINUTE = 60_000;

interface Stretch {
  readonly status: TicketStatus;
  readonly from: number;
  readonly to: number;
}

export function computeSlaClock(input: SlaClockInput): SlaClockState {
  const { timeline, policy, now } = input;
  const createdAt = Date.parse(timeline.createdAt);
  const stretches = statusStretches(timeline, createdAt);
  const last = stretches[stretches.length - 1];
  // Solved / closed for good: clocks still open then stop there (no future breach).
  const stoppedAt = last && STOPPING.includes(last.status) ? last.from : null;
  const pauses = stretches.filter(
    (s) => PAUSING.includes(s.status) || (STOPPING.includes(s.status) && s.from !== stoppedAt),
  );
  // Finished pauses are fixed; an ongoing one grows with time (clockAt adds it at read time).
  const pausedSince = last && PAUSING.includes(last.status) ? last.from : null;
  const closedPausedMs = stretches
    .filter((s) => PAUSING.includes(s.status) && Number.isFinite(s.to))
    .reduce((sum, s) => sum + (s.to - s.from), 0);
  const pausedMs = closedPausedMs + (pausedSince === null ? 0 : Math.max(0, now - pausedSince));
  const explanation = pauseLines(stretches);
  const none: SlaClockState = {
    policyId: policy?.id ?? null,
    firstResponseDueAt: null,
    nextResponseDueAt: null,
    resolutionDueAt: null,
    breached: [],
    pausedMs,
    closedPausedMs,
    pausedSince,
    atRisk: false,
    explanation,
    deadlines: [],
    nextCheckAt: null,
    attentionAt: null,
  };
  if (!policy) return { ...none, explanation: ['no SLA policy applies to this ticket', ...explanation] };
  const targets = policy.targets[timeline.priority];
  const calendar = policy.hours === 'business' ? input.calendar : null;
  const header = [
    `policy "${policy.name}" applies (first match: ${describeConditions(policy.conditions)})`,
    `clock runs ${policy.hours === 'business' ? describeCalendar(calendar) : '24/7 (calendar hours)'}`,
  ];
  if (!targets) {
    return {
      ...none,
      explanation: [...header, `no targets for ${timeline.priority} priority`, ...explanation],
    };
  }

  const dueFrom = (start: number, ms: number) => addRunningTime({ calendar, pauses, start, ms });
  const measure = (metric: SlaMetric, start: number, minutes: number | null, metAt: number | null) => {
    if (minutes === null) return null;
    const dueAt = dueFrom(start, minutes * MINUTE);
    const atRiskAt = dueFrom(start, Math.round(minutes * MINUTE * (1 - policy.atRiskPercent / 100)));
    const end = metAt ?? stoppedAt;
    const breached = dueAt !== null && (end !== null ? end > dueAt : now >= dueAt);
    return { metric, dueAt, atRiskAt, metAt, settled: end !== null, breached } satisfies SlaDeadline;
  };

  const messages = timeline.publicMessages.map((m) => ({ author: m.author, at: Date.parse(m.at) }));
  const firstReply = messages.find((m) => m.author === 'agent')?.at ?? null;
  const first = measure('first_response', createdAt, targets.firstResponse, firstReply);
  const cycles = nextResponseCycles(messages).map((cycle) =>
    measure('next_response', cycle.from, targets.nextResponse, cycle.answeredAt),
  );
  const resolution = measure('resolution', createdAt, targets.resolution, stoppedAt);
  const current = cycles[cycles.length - 1] ?? null;
  const deadlines = [first, ...cycles, resolution].filter((d): d is SlaDeadline => d !== null);

  const lines = [
    ...header,
    ...deadlines.map((d) => deadlineLine(d, policy, timeline.priority)),
    ...explanation,
  ];
  return clockAt(
    {
      ...none,
      firstResponseDueAt: isoOrNull(first?.dueAt),
      nextResponseDueAt: current && !current.settled ? isoOrNull(current.dueAt) : null,
      resolutionDueAt: isoOrNull(resolution?.dueAt),
      explanation: lines,
      deadlines,
    },
    now,
  );
}

/**
 * A stored clock brought to `now` without its timeline: targets still running whose due time
 * has passed are breached, those past their at-risk instant are at risk. What the sweeper and
 * readers use between two recomputations by `track`.
 */
export function clockAt(state: SlaClockState, now: number): SlaClockState {
  const deadlines = state.deadlines.map((d) =>
    !d.settled && !d.breached && d.dueAt !== null && now >= d.dueAt ? { ...d, breached: true } : d,
  );
  const breached = new Set<SlaMetric>([
    ...state.breached,
    ...deadlines.filter((d) => d.breached).map((d) => d.metric),
  ]);
  const running = deadlines.filter((d) => !d.settled && d.dueAt !== null);
  const open = running.filter((d) => !d.breached);
  const atRisk = open.some((d) => d.atRiskAt !== null && d.atRiskAt <= now);
  const upcoming = open
    .map((d) => (d.atRiskAt !== null && d.atRiskAt > now ? d.atRiskAt : d.dueAt))
    .filter((t): t is number => t !== null);
  const attention = running
    .filter((d) => d.breached || (d.atRiskAt !== null && d.atRiskAt <= now))
    .map((d) => d.dueAt as number); // running: dueAt is not null
  return {
    ...state,
    pausedMs: state.closedPausedMs + (state.pausedSince === null ? 0 : Math.max(0, now - state.pausedSince)),
    deadlines,
    breached: (['first_response', 'next_response', 'resolution'] as const).filter((m) => breached.has(m)),
    atRisk,
    nextCheckAt: upcoming.length > 0 ? Math.min(...upcoming) : null,
    attentionAt: attention.length > 0 ? Math.min(...attention) : null,
  };
}

/** The statuses as consecutive stretches from creation on (the last one open-ended). */
function statusStretches(timeline: TicketTimeline, createdAt: number): Stretch[] {
  const changes =
    timeline.statusChanges.length > 0
      ? timeline.statusChanges
      : [{ status: 'new' as const, at: timeline.createdAt }];
  return changes.map((change, index) => {
    const next = changes[index + 1];
    return {
      status: change.status,
      from: index === 0 ? Math.min(createdAt, Date.parse(change.at)) : Date.parse(change.at),
      to: next ? Date.parse(next.at) : Number.POSITIVE_INFINITY,
    };
  });
}

/** Requester messages awaiting a reply after an agent has answered once: one cycle each. */
function nextResponseCycles(messages: readonly { author: 'requester' | 'agent'; at: number }[]) {
  const cycles: { from: number; answeredAt: number | null }[] = [];
  let agentHasReplied = false;
  let waitingSince: number | null = null;
  for (const message of messages) {
    if (message.author === 'agent') {
      if (waitingSince !== null) cycles.push({ from: waitingSince, answeredAt: message.at });
      waitingSince = null;
      agentHasReplied = true;
    } else if (agentHasReplied && waitingSince === null) {
      waitingSince = message.at;
    }
  }
  if (waitingSince !== null) cycles.push({ from: waitingSince, answeredAt: null });
  return cycles;
}

/**
 * The instant `ms` of running time after `start`: business time outside pauses. Null when the
 * clock is paused for good (an open-ended pending stretch) before the time is used up.
 */
export function addRunningTime(options: {
  calendar: BusinessCalendar | null;
  pauses: readonly { from: number; to: number }[];
  start: number;
  ms: number;
}): number | null {
  const { calendar, pauses } = options;
  let cursor = options.start;
  let remaining = options.ms;
  for (const pause of pauses) {
    if (pause.to <= cursor) continue;
    if (pause.from > cursor) {
      const available = businessMsBetween(calendar, cursor, pause.from);
      if (remaining <= available) return addBusinessMs(calendar, cursor, remaining);
      remaining -= available;
    }
    cursor = Math.max(cursor, pause.to);
    if (!Number.isFinite(cursor)) return null;
  }
  return addBusinessMs(calendar, cursor, remaining);
}

const LABELS: Record<SlaMetric, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};

function deadlineLine(deadline: SlaDeadline, policy: SlaPolicy, priority: string): string {
  const targets = policy.targets[priority as keyof SlaPolicy['targets']];
  const minutes =
    deadline.metric === 'first_response'
      ? targets?.firstResponse
      : deadline.metric === 'next_response'
        ? targets?.nextResponse
        : targets?.resolution;
  const kind = policy.hours === 'business' ? 'business time' : 'calendar time';
  const head = `${LABELS[deadline.metric]}: target ${formatDuration((minutes ?? 0) * MINUTE)} of ${kind}`;
  if (deadline.dueAt === null) return `${head}, clock paused`;
  const due = new Date(deadline.dueAt).toISOString();
  if (deadline.metAt !== null) {
    const when = new Date(deadline.metAt).toISOString();
    return deadline.breached
      ? `${head}, due ${due}, met late at ${when} (breached)`
      : `${head}, due ${due}, met at ${when}`;
  }
  if (deadline.breached) return `${head}, due ${due}, breached`;
  if (deadline.settled) return `${head}, due ${due}, no longer running (ticket solved)`;
  return `${head}, due ${due}`;
}

/** Real time paused, per status, for the explanation ("paused 2 h 10 m while pending"). */
function pauseLines(stretches: readonly Stretch[]): string[] {
  const lines: string[] = [];
  for (const status of PAUSING) {
    const of = stretches.filter((s) => s.status === status);
    const total = of.filter((s) => Number.isFinite(s.to)).reduce((sum, s) => sum + (s.to - s.from), 0);
    const label = status === 'on_hold' ? 'on hold' : status;
    const ongoing = of.find((s) => !Number.isFinite(s.to));
    if (total > 0) lines.push(`paused ${formatDuration(total)} while ${label}`);
    // Stated as a start, so the stored explanation stays true as time passes.
    if (ongoing) lines.push(`paused since ${new Date(ongoing.from).toISOString()} while ${label}`);
  }
  const reopened = stretches.filter((s, i) => STOPPING.includes(s.status) && i < stretches.length - 1);
  if (reopened.length > 0) {
    const total = reopened.reduce((sum, s) => sum + (s.to - s.from), 0);
    lines.push(`paused ${formatDuration(total)} while solved before being reopened`);
  }
  return lines;
}

/** "2 h 10 m", "45 m", "3 d 4 h" (rounded down to the minute). */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} m` : `${hours} h`;
  return `${rest} m`;
}

const isoOrNull = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();
