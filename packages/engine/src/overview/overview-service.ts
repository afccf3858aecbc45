import type { Audience, Overview, Pipeline, PipelineReport, Source } from '@tandem/contract';
import { activeProfilesByDay, eventCountsByDayAndName, eventNamesOf } from '../identity/index.js';
import { countEventsOfSource, eventCountsByDay } from '../log/index.js';
import { newProfilesByDay } from '../profiles/index.js';
import { unsolvedTicketCounts } from '../service-desk/tickets/index.js';
import type { Store } from '../store/index.js';
import { type DayFigures, DayFiguresCache } from './day-figures-cache.js';

const DAY_MS = 86_400_000;

/** What the overview reads of other domains (their services, as the engine holds them). */
export interface OverviewDeps {
  readonly store: Store;
  readonly sources: {
    list(workspaceId: string, page: { limit: number }): Promise<{ data: Source[] }>;
  };
  readonly audiences: {
    list(workspaceId: string, page: { limit: number }): Promise<{ data: Audience[] }>;
    withMemberCounts(workspaceId: string, audiences: readonly Audience[]): Promise<Audience[]>;
  };
  readonly pipelines: { defaultPipeline(workspaceId: string): Promise<Pipeline> };
  readonly crmReports: { pipeline(workspaceId: string, pipelineId?: string): Promise<PipelineReport> };
  readonly sla: { atRisk(workspaceId: string, opts: { limit: number }): Promise<string[]> };
  readonly clock?: (() => number) | undefined;
  /** How long a finished day's figures are reused before being read again (default 10 minutes). */
  readonly closedDaysTtlMs?: number | undefined;
}

/** Bounds that keep a request's cost independent of the workspace's size. */
const LIMITS = {
  eventNames: 200,
  topEvents: 10,
  sources: 200,
  topSources: 5,
  countCap: 100_000,
  audiences: 200,
  topAudiences: 8,
  slaAtRisk: 1000,
} as const;

/**
 * The home dashboard, composed from other domains' reads. Finished days' activity is cached per
 * workspace (events rarely land on past days; the cache lives `closedDaysTtlMs`), so a request
 * reads only today's part of the log once the cache is warm.
 */
export class OverviewService {
  private readonly clock: () => number;
  private readonly closedDays: DayFiguresCache;

  constructor(private readonly deps: OverviewDeps) {
    this.clock = deps.clock ?? Date.now;
    this.closedDays = new DayFiguresCache({ ttlMs: deps.closedDaysTtlMs ?? 600_000, clock: this.clock });
  }

  async overview(workspaceId: string, options: { days: number }): Promise<Overview> {
    const now = this.clock();
    const today = new Date(now).toISOString().slice(0, 10);
    const from = new Date(Date.parse(today) - (options.days - 1) * DAY_MS).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(today) + DAY_MS).toISOString().slice(0, 10);
    const eventNames = await eventNamesOf(this.deps.store.db, workspaceId, LIMITS.eventNames);
    const closed = await this.closedDays.get(`${workspaceId}/${from}/${today}`, () =>
      this.figuresOf(workspaceId, { from, to: today, eventNames }),
    );
    const current = await this.figuresOf(workspaceId, { from: today, to: tomorrow, eventNames });
    const days: Overview['days'] = [];
    const eventTotals = new Map<string, number>();
    for (let day = Date.parse(from); day <= Date.parse(today); day += DAY_MS) {
      const key = new Date(day).toISOString().slice(0, 10);
      const figures = (key === today ? current : closed).get(key);
      days.push({
        day: key,
        events: figures?.events ?? 0,
        newPeople: figures?.newPeople ?? 0,
        activePeople: figures?.activePeople ?? 0,
      });
      for (const [event, count] of figures?.byEvent ?? [])
        eventTotals.set(event, (eventTotals.get(event) ?? 0) + count);
    }
    const [sources, audiences, pipeline, unsolved, atRisk] = await Promise.all([
      this.topSources(workspaceId),
      this.largestAudiences(workspaceId),
      this.pipelineOf(workspaceId),
      unsolvedTicketCounts(this.deps.store.db, workspaceId),
      this.deps.sla.atRisk(workspaceId, { limit: LIMITS.slaAtRisk }),
    ]);
    return {
      from,
      to: today,
      days,
      totals: {
        events: days.reduce((sum, d) => sum + d.events, 0),
        newPeople: days.reduce((sum, d) => sum + d.newPeople, 0),
      },
      topEvents: [...eventTotals]
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .slice(0, LIMITS.topEvents)
        .map(([event, count]) => ({ event, count, capped: false })),
      ...sources,
      countCap: LIMITS.countCap,
      ...audiences,
      pipeline,
      tickets: { unsolved, slaAtRisk: atRisk.length },
    };
  }

  /** Each day's figures in [from, to) (UTC days, `to` excluded). */
  private async figuresOf(
    workspaceId: string,
    range: { from: string; to: string; eventNames: readonly string[] },
  ): Promise<Map<string, DayFigures>> {
    const { db } = this.deps.store;
    const instants = { from: `${range.from}T00:00:00.000Z`, to: `${range.to}T00:00:00.000Z` };
    const [events, newPeople, active, named] = await Promise.all([
      eventCountsByDay(db, workspaceId, instants),
      newProfilesByDay(db, workspaceId, instants),
      activeProfilesByDay(db, workspaceId, { ...instants, eventNames: range.eventNames }),
      eventCountsByDayAndName(db, workspaceId, { ...instants, eventNames: range.eventNames }),
    ]);
    const figures = new Map<string, DayFigures>();
    const of = (day: string) => {
      const found = figures.get(day) ?? { events: 0, newPeople: 0, activePeople: 0, byEvent: new Map() };
      figures.set(day, found);
      return found;
    };
    for (const [day, n] of events) of(day).events = n;
    for (const [day, n] of newPeople) of(day).newPeople = n;
    for (const [day, n] of active) of(day).activePeople = n;
    for (const { day, event, count } of named) of(day).byEvent.set(event, count);
    return figures;
  }

  private async topSources(workspaceId: string) {
    const { data } = await this.deps.sources.list(workspaceId, { limit: LIMITS.sources });
    const external = data.filter((source) => source.kind !== 'internal');
    const counted = await Promise.all(
      external.map(async (source) => {
        const events = await countEventsOfSource(this.deps.store.db, workspaceId, {
          sourceId: source.id,
          cap: LIMITS.countCap,
        });
        return { sourceId: source.id, name: source.name, events, capped: events >= LIMITS.countCap };
      }),
    );
    return {
      sourceCount: external.length,
      topSources: counted.sort((a, b) => b.events - a.events).slice(0, LIMITS.topSources),
    };
  }

  private async largestAudiences(workspaceId: string) {
    const { data } = await this.deps.audiences.list(workspaceId, { limit: LIMITS.audiences });
    const counted = await this.deps.audiences.withMemberCounts(workspaceId, data);
    return {
      audienceCount: data.length,
      audiences: counted
        .map((audience) => ({
          audienceId: audience.id,
          name: audience.name,
          members: audience.memberCount ?? 0,
        }))
        .sort((a, b) => b.members - a.members || (a.name < b.name ? -1 : 1))
        .slice(0, LIMITS.topAudiences),
    };
  }

  private async pipelineOf(workspaceId: string): Promise<Overview['pipeline']> {
    const pipeline = await this.deps.pipelines.defaultPipeline(workspaceId);
    const report = await this.deps.crmReports.pipeline(workspaceId, pipeline.id);
    return {
      pipelineId: pipeline.id,
      name: pipeline.name,
      stages: report.stages.map(({ stageId, name, count, amount }) => ({ stageId, name, count, amount })),
      openCount: report.totals.count,
      openAmount: report.totals.amount,
    };
  }
}
