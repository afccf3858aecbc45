import type { Audience, Overview, Pipeline, PipelineReport, Source } from '@tandem/contract';
import { countEventsOfSource } from '../log/index.js';
import { unsolvedTicketCounts } from '../service-desk/tickets/index.js';
import type { Store } from '../store/index.js';
import { DayFiguresCache, type DayFiguresLifetimes } from './day-figures-cache.js';
import { type ActivitySource, rowStoreActivity } from './row-store-activity.js';

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
  /** Where days' activity is counted (default: the row store). */
  readonly activity?: ActivitySource | undefined;
  /** How long days' figures are reused (default: a finished day an hour, today 15 seconds). */
  readonly lifetimes?: DayFiguresLifetimes | undefined;
  /** How long a request waits for days being counted before answering without them (default 1 s). */
  readonly answerWithinMs?: number | undefined;
}

/** Bounds that keep a request's cost independent of the workspace's size. */
const LIMITS = {
  topEvents: 10,
  sources: 200,
  topSources: 5,
  countCap: 100_000,
  audiences: 200,
  topAudiences: 8,
  slaAtRisk: 1000,
} as const;

/**
 * The home dashboard, composed from other domains' reads. Each day's activity is counted once and
 * kept (a finished day an hour, today seconds) and counted again in the background once expired,
 * while the last figures answer. Counting runs one day at a time, so a large workspace's first
 * request answers within `answerWithinMs` with the days counted so far (`complete: false`).
 *
 * `deps.activity` is the seam for the insights domain's columnar copy (see ActivitySource).
 */
export class OverviewService {
  private readonly clock: () => number;
  private readonly days: DayFiguresCache;
  private readonly activity: ActivitySource;
  /** The counting under way per workspace (one at a time: its load on the store stays bounded). */
  private readonly counting = new Map<string, Promise<void>>();

  constructor(private readonly deps: OverviewDeps) {
    this.clock = deps.clock ?? Date.now;
    this.activity = deps.activity ?? rowStoreActivity(deps.store);
    this.days = new DayFiguresCache({
      ...(deps.lifetimes ?? { finishedDayMs: 3_600_000, todayMs: 15_000 }),
      clock: this.clock,
    });
  }

  async overview(workspaceId: string, options: { days: number }): Promise<Overview> {
    const now = this.clock();
    const today = new Date(now).toISOString().slice(0, 10);
    const from = new Date(Date.parse(today) - (options.days - 1) * DAY_MS).toISOString().slice(0, 10);
    const wanted: string[] = [];
    for (let day = Date.parse(today); day >= Date.parse(from); day -= DAY_MS)
      wanted.push(new Date(day).toISOString().slice(0, 10));
    const cached = wanted.map((day) => this.days.get(workspaceId, day, today));
    const expired = wanted.filter((_, index) => !cached[index]?.fresh);
    // Expired days answer with their last figures while counted again; only never-counted ones wait.
    if (expired.length > 0) {
      const counting = this.startCounting(workspaceId, expired);
      if (cached.some((entry) => entry === undefined)) await this.within(counting);
    }
    const days: Overview['days'] = [];
    const eventTotals = new Map<string, number>();
    for (const day of wanted.reverse()) {
      const figures = this.days.get(workspaceId, day, today)?.figures;
      days.push({
        day,
        counted: figures !== undefined,
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
      complete: days.every((d) => d.counted),
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

  /** Resolves once the counting under way for this workspace, if any, is done (tests, benchmarks). */
  async settled(workspaceId: string): Promise<void> {
    await this.counting.get(workspaceId);
  }

  /** Counts these days (newest first) in the background, unless a count is already under way. */
  private startCounting(workspaceId: string, days: readonly string[]): Promise<void> {
    let counting = this.counting.get(workspaceId);
    if (!counting) {
      counting = this.count(workspaceId, days).finally(() => this.counting.delete(workspaceId));
      this.counting.set(workspaceId, counting);
      // Failures reach the requests that wait; one that stopped waiting must not crash the process.
      counting.catch(() => {});
    }
    return counting;
  }

  /** Waits for the counting at most `answerWithinMs`. */
  private async within(counting: Promise<void>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.deps.answerWithinMs ?? 1000);
      timer.unref?.();
    });
    try {
      await Promise.race([counting, budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async count(workspaceId: string, days: readonly string[]): Promise<void> {
    let at = this.clock();
    for await (const [day, figures] of this.activity.figuresOf(workspaceId, days)) {
      this.days.set(workspaceId, day, figures, at);
      at = this.clock();
    }
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
