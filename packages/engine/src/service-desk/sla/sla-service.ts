import type { Kysely } from 'kysely';
import type { CrmEvent } from '../../crm/index.js';
import {
  type Database,
  fromJson,
  nowIso,
  type SlaClocksTable,
  type Store,
  toJson,
  writeTransaction,
} from '../../store/index.js';
import type { BusinessCalendar } from './business-calendar.js';
import { clockAt, computeSlaClock, type SlaClockState } from './sla-clock.js';
import { matchPolicy, traitNamesOf } from './sla-policy.js';
import type { SlaSettings } from './sla-settings.js';
import type { SlaClock, SlaMetric, TicketTimeline } from './ticket-timeline.js';

/** What the SLA service needs from other domains (wired by the engine). */
export interface SlaServiceDeps {
  readonly store: Store;
  readonly settings: SlaSettings;
  readonly clock: () => number;
  /**
   * The requester's traits of these names, for conditions such as `traits.plan is enterprise`;
   * reads through `db` when given (the caller's transaction: SQLite has one connection).
   */
  readonly traitsOf: (query: {
    workspaceId: string;
    profileId: string;
    names: readonly string[];
    db: Kysely<Database>;
  }) => Promise<Readonly<Record<string, unknown>>>;
  /** Appends `SLA Breached` events in the caller's transaction (the CRM events helper). */
  readonly events: { appendWithin(db: Kysely<Database>, events: readonly CrmEvent[]): Promise<void> };
  /** Tells the pipeline events were committed. */
  readonly wake?: (() => void) | undefined;
  /** The profile a requester's profile was merged into, if it was (the event goes to the survivor). */
  readonly liveProfileOf?:
    | ((workspaceId: string, profileId: string, db: Kysely<Database>) => Promise<string | undefined>)
    | undefined;
}

/** Clocks read per query: bounded to stay under SQLite's parameter limit. */
const READ_CHUNK = 500;

/**
 * SLA clocks of tickets. `track` recomputes a ticket's clock from its history and stores it with
 * the next instant time alone changes it; the sweeper (sla-sweeper.ts) acts at those instants.
 * A breach becomes an `SLA Breached` event on the requester's profile, once per metric per ticket.
 */
export class SlaService {
  constructor(private readonly deps: SlaServiceDeps) {}

  /**
   * Recomputes and stores this ticket's clock. Called by tickets/ after every change; pass `db`
   * to write within the caller's transaction.
   */
  async track(timeline: TicketTimeline, db?: Kysely<Database>): Promise<SlaClock> {
    const { workspaceId, profileId } = timeline;
    // Every read goes through the caller's transaction when there is one.
    const reader = db ?? this.deps.store.db;
    const policies = await this.deps.settings.policiesFor(workspaceId, reader);
    const names = [...new Set(policies.flatMap((p) => traitNamesOf(p.conditions)))];
    const traits =
      names.length > 0 ? await this.deps.traitsOf({ workspaceId, profileId, names, db: reader }) : {};
    const policy = matchPolicy(policies, timeline, traits);
    let calendar: BusinessCalendar | null = null;
    if (policy?.hours === 'business' && policy.calendarId !== null) {
      calendar = await this.deps.settings.calendarFor(workspaceId, policy.calendarId, reader);
    }
    const now = this.deps.clock();
    const state = computeSlaClock({ timeline, policy, calendar, now });
    const write = async (trx: Kysely<Database>) => {
      const stored = await trx
        .selectFrom('sla_clocks')
        .select('notified')
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', '=', timeline.ticketId)
        .executeTakeFirst();
      const notified = stored ? fromJson<string[]>(stored.notified) : [];
      const fresh = await this.notify(trx, {
        workspaceId,
        ticketId: timeline.ticketId,
        profileId,
        state,
        notified,
        now,
      });
      const row = rowOf({
        workspaceId,
        ticketId: timeline.ticketId,
        profileId,
        state,
        notified: fresh.notified,
        now,
      });
      await trx
        .insertInto('sla_clocks')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'ticket_id']).doUpdateSet({
            profile_id: row.profile_id,
            policy_id: row.policy_id,
            state: row.state,
            breached: row.breached,
            notified: row.notified,
            at_risk: row.at_risk,
            next_check_at: row.next_check_at,
            attention_at: row.attention_at,
            updated_at: row.updated_at,
          }),
        )
        .execute();
      return fresh.notified.length > notified.length;
    };
    const appended = db ? await write(db) : await writeTransaction(this.deps.store, write);
    if (appended) this.deps.wake?.();
    return publicClockOf(state);
  }

  async clockOf(workspaceId: string, ticketId: string): Promise<SlaClock | null> {
    return (await this.clocksOf(workspaceId, [ticketId])).get(ticketId) ?? null;
  }

  /** Many clocks at once (the inbox), brought to now. */
  async clocksOf(workspaceId: string, ticketIds: readonly string[]): Promise<Map<string, SlaClock>> {
    const clocks = new Map<string, SlaClock>();
    const now = this.deps.clock();
    for (let i = 0; i < ticketIds.length; i += READ_CHUNK) {
      const chunk = ticketIds.slice(i, i + READ_CHUNK);
      if (chunk.length === 0) continue;
      const rows = await this.deps.store.db
        .selectFrom('sla_clocks')
        .select(['ticket_id', 'state'])
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', 'in', chunk)
        .execute();
      for (const row of rows) clocks.set(row.ticket_id, publicClockOf(clockAtNow(row.state, now)));
    }
    return clocks;
  }

  /**
   * Which targets each ticket met or breached (reports' SLA attainment): per metric, `met`,
   * `breached`, or absent while still running or without a target. Tickets without a policy
   * are left out.
   */
  async outcomesOf(
    workspaceId: string,
    ticketIds: readonly string[],
  ): Promise<Map<string, Partial<Record<SlaMetric, 'met' | 'breached'>>>> {
    const outcomes = new Map<string, Partial<Record<SlaMetric, 'met' | 'breached'>>>();
    const now = this.deps.clock();
    for (let i = 0; i < ticketIds.length; i += READ_CHUNK) {
      const chunk = ticketIds.slice(i, i + READ_CHUNK);
      if (chunk.length === 0) continue;
      const rows = await this.deps.store.db
        .selectFrom('sla_clocks')
        .select(['ticket_id', 'state'])
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', 'in', chunk)
        .where('policy_id', 'is not', null)
        .execute();
      for (const row of rows) {
        const state = clockAtNow(row.state, now);
        const outcome: Partial<Record<SlaMetric, 'met' | 'breached'>> = {};
        for (const deadline of state.deadlines) {
          if (deadline.breached) outcome[deadline.metric] = 'breached';
          else if (deadline.metAt !== null && outcome[deadline.metric] === undefined)
            outcome[deadline.metric] = 'met';
        }
        outcomes.set(row.ticket_id, outcome);
      }
    }
    return outcomes;
  }

  /** Tickets whose running SLA is at risk or breached, the most urgent due time first. */
  async atRisk(workspaceId: string, opts: { limit: number }): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('sla_clocks')
      .select('ticket_id')
      .where('workspace_id', '=', workspaceId)
      .where('attention_at', 'is not', null)
      .orderBy('attention_at')
      .orderBy('ticket_id')
      .limit(Math.max(1, Math.min(opts.limit, 1000)))
      .execute();
    return rows.map((row) => row.ticket_id);
  }

  /** Drops the clocks of deleted or merged-away tickets. */
  async forget(workspaceId: string, ticketIds: readonly string[]): Promise<void> {
    for (let i = 0; i < ticketIds.length; i += READ_CHUNK) {
      const chunk = ticketIds.slice(i, i + READ_CHUNK);
      if (chunk.length === 0) continue;
      await this.deps.store.db
        .deleteFrom('sla_clocks')
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', 'in', chunk)
        .execute();
    }
  }

  /**
   * Appends an `SLA Breached` event for each breached metric, and an `SLA At Risk` event for each
   * running target that turned at risk, not yet notified; returns what is notified from now on
   * (`first_response`, `at_risk:first_response`, …) and how many breaches were new. Used by
   * `track` and by the sweeper, in their transaction.
   */
  async notify(
    db: Kysely<Database>,
    clock: {
      workspaceId: string;
      ticketId: string;
      profileId: string;
      state: SlaClockState;
      notified: readonly string[];
      now: number;
    },
  ): Promise<{ notified: string[]; breaches: number }> {
    const { state } = clock;
    const breaches = state.breached.filter((metric) => !clock.notified.includes(metric));
    // A target already breached when first seen gets its breach only.
    const risks = state.deadlines
      .filter((d) => !d.settled && !d.breached && d.atRiskAt !== null && d.atRiskAt <= clock.now)
      .map((d) => d.metric)
      .filter((metric) => !clock.notified.includes(`at_risk:${metric}`) && !state.breached.includes(metric));
    const notices = [
      ...breaches.map((metric) => ({ metric, event: 'SLA Breached', key: metric, breached: true })),
      ...[...new Set(risks)].map((metric) => ({
        metric,
        event: 'SLA At Risk',
        key: `at_risk:${metric}`,
        breached: false,
      })),
    ];
    if (notices.length === 0) return { notified: [...clock.notified], breaches: 0 };
    const profileId =
      (await this.deps.liveProfileOf?.(clock.workspaceId, clock.profileId, db)) ?? clock.profileId;
    const events: CrmEvent[] = notices.map((notice) => {
      const deadline = state.deadlines.find(
        (d) => d.metric === notice.metric && (notice.breached ? d.breached : !d.settled),
      );
      const dueAt = deadline?.dueAt ?? null;
      return {
        workspaceId: clock.workspaceId,
        profileId,
        event: notice.event,
        properties: {
          ticketId: clock.ticketId,
          metric: notice.metric,
          dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
          policyId: state.policyId,
        },
        actorId: null,
        at: new Date(clock.now).toISOString(),
        // Deterministic: a retried sweep or track stores one event per metric per ticket.
        messageId: `sla-${notice.breached ? 'breached' : 'at-risk'}-${clock.ticketId}-${notice.metric}`,
      };
    });
    await this.deps.events.appendWithin(db, events);
    return { notified: [...clock.notified, ...notices.map((n) => n.key)], breaches: breaches.length };
  }
}

/** A stored clock state brought to now. */
export function clockAtNow(stored: string, now: number): SlaClockState {
  return clockAt(fromJson<SlaClockState>(stored), now);
}

/** The clock as the API shows it (without the sweeper's bookkeeping). */
export function publicClockOf(state: SlaClockState): SlaClock {
  return {
    policyId: state.policyId,
    firstResponseDueAt: state.firstResponseDueAt,
    nextResponseDueAt: state.nextResponseDueAt,
    resolutionDueAt: state.resolutionDueAt,
    breached: [...state.breached],
    pausedMs: state.pausedMs,
    atRisk: state.atRisk,
    explanation: [...state.explanation],
  };
}

/** The stored row of a clock. */
export function rowOf(clock: {
  workspaceId: string;
  ticketId: string;
  profileId: string;
  state: SlaClockState;
  notified: readonly string[];
  now: number;
}): SlaClocksTable {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    workspace_id: clock.workspaceId,
    ticket_id: clock.ticketId,
    profile_id: clock.profileId,
    policy_id: clock.state.policyId,
    state: toJson(clock.state),
    breached: toJson(clock.state.breached),
    notified: toJson(clock.notified),
    at_risk: clock.state.atRisk ? 1 : 0,
    next_check_at: iso(clock.state.nextCheckAt),
    attention_at: iso(clock.state.attentionAt),
    updated_at: nowIso(() => clock.now),
  };
}
