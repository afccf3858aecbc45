import {
  type AttributionQuery,
  type AttributionResult,
  type FunnelPeopleQuery,
  type FunnelPeopleResult,
  type FunnelQuery,
  type FunnelResult,
  type InsightQuery,
  type InsightResult,
  MAX_LIST_CHANGE,
  MAX_SAVED_FUNNEL_PEOPLE,
  type PathsQuery,
  type PathsResult,
  type RetentionQuery,
  type RetentionResult,
  type SavedFunnelPeople,
  type SaveFunnelPeople,
  type TrendQuery,
  type TrendResult,
} from '@tandem/contract';
import type { ListsService } from '../lists/index.js';
import {
  type AnalyticsReader,
  attributionOf,
  type CopiedValuedEvent,
  funnelOf,
  funnelPeopleOf,
  pathsOf,
  retentionOf,
  trendOf,
  valuedEventsOf,
} from './queries/index.js';

export interface InsightsDeps {
  /** The analytics copy the queries read (asked per query: it may open after the engine). */
  readonly analytics: () => AnalyticsReader;
  /** Saving a funnel step's people makes a static list. */
  readonly lists: ListsService;
  readonly clock: () => number;
}

/** Event analytics over a workspace's analytics copy: trends, funnels, paths, retention, attribution. */
export class InsightsService {
  constructor(private readonly deps: InsightsDeps) {}

  trend(workspaceId: string, query: TrendQuery): Promise<TrendResult> {
    return trendOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  funnel(workspaceId: string, query: FunnelQuery): Promise<FunnelResult> {
    return funnelOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  funnelPeople(workspaceId: string, query: FunnelPeopleQuery): Promise<FunnelPeopleResult> {
    return funnelPeopleOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  paths(workspaceId: string, query: PathsQuery): Promise<PathsResult> {
    return pathsOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  retention(workspaceId: string, query: RetentionQuery): Promise<RetentionResult> {
    return retentionOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  attribution(workspaceId: string, query: AttributionQuery): Promise<AttributionResult> {
    return attributionOf(this.deps.analytics(), workspaceId, query, this.deps.clock());
  }

  /** Events of a name with their person and a numeric property (the orders predictions fit on). */
  valuedEvents(
    workspaceId: string,
    options: { event: string; valueProperty?: string | undefined; until?: string | undefined },
  ): Promise<CopiedValuedEvent[]> {
    return valuedEventsOf(this.deps.analytics(), workspaceId, options);
  }

  /** Any insight by its kind (saved insights and dashboard tiles). */
  async run(workspaceId: string, query: InsightQuery): Promise<InsightResult> {
    switch (query.kind) {
      case 'trend':
        return { kind: query.kind, result: await this.trend(workspaceId, query) };
      case 'funnel':
        return { kind: query.kind, result: await this.funnel(workspaceId, query) };
      case 'paths':
        return { kind: query.kind, result: await this.paths(workspaceId, query) };
      case 'retention':
        return { kind: query.kind, result: await this.retention(workspaceId, query) };
      case 'attribution':
        return { kind: query.kind, result: await this.attribution(workspaceId, query) };
      default: {
        const unknown: never = query;
        throw new Error(`unknown insight kind ${String((unknown as { kind: unknown }).kind)}`);
      }
    }
  }

  /**
   * Saves a funnel step's people (those who dropped there, typically) as a new static list: a
   * snapshot, since audiences are rules over traits and events and a funnel drop-off is not one.
   * The list is usable wherever lists are (journeys, sequences, the person page).
   */
  async saveFunnelPeople(
    workspaceId: string,
    request: SaveFunnelPeople,
    actorId: string | null,
  ): Promise<SavedFunnelPeople> {
    const { name, description, ...step } = request;
    const { profileIds } = await funnelPeopleOf(
      this.deps.analytics(),
      workspaceId,
      { ...step, limit: MAX_SAVED_FUNNEL_PEOPLE },
      this.deps.clock(),
    );
    const list = await this.deps.lists.create(workspaceId, { name, description }, actorId);
    let people = 0;
    for (let at = 0; at < profileIds.length; at += MAX_LIST_CHANGE) {
      const added = await this.deps.lists.addMembers(
        workspaceId,
        list.id,
        profileIds.slice(at, at + MAX_LIST_CHANGE),
        actorId,
      );
      people += added.changed;
    }
    return { listId: list.id, name: list.name, people };
  }
}
