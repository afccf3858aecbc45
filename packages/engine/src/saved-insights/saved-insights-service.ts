import type {
  CreateSavedInsight,
  InsightChart,
  InsightQuery,
  InsightRange,
  SavedInsight,
  UpdateSavedInsight,
} from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import {
  fromJson,
  lockedForUpdate,
  nowIso,
  type SavedInsightsTable,
  type Store,
  toJson,
} from '../store/index.js';
import { renumberTiles } from './tile-positions.js';

/** Most saved insights a workspace keeps. */
export const MAX_SAVED_INSIGHTS = 1000;

/**
 * Saved insights: a named insight query, the chart it is drawn as and the range it runs over.
 * Shared by the whole workspace (they hold queries, not people). Deleting one removes its tiles
 * from every dashboard.
 */
export class SavedInsightsService {
  constructor(private readonly store: Store) {}

  /** The workspace's saved insights, by name. */
  async list(workspaceId: string): Promise<SavedInsight[]> {
    const rows = await this.store.db
      .selectFrom('saved_insights')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .orderBy('insight_id')
      .execute();
    return rows.map(savedInsightOf);
  }

  /** Throws `not_found`. */
  async get(workspaceId: string, insightId: string): Promise<SavedInsight> {
    return savedInsightOf(await this.row(workspaceId, insightId));
  }

  /** Throws `unprocessable` past MAX_SAVED_INSIGHTS. */
  async create(workspaceId: string, createdBy: string, insight: CreateSavedInsight): Promise<SavedInsight> {
    const { count } = await this.store.db
      .selectFrom('saved_insights')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_SAVED_INSIGHTS) {
      throw new AppError('unprocessable', `A workspace keeps at most ${MAX_SAVED_INSIGHTS} saved insights`);
    }
    const now = nowIso();
    const row: SavedInsightsTable = {
      workspace_id: workspaceId,
      insight_id: newId('savedInsight'),
      name: insight.name,
      description: insight.description,
      query: toJson(insight.query),
      chart: insight.chart,
      range: insight.range,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('saved_insights').values(row).execute();
    return savedInsightOf(row);
  }

  /** Throws `not_found`. */
  async update(workspaceId: string, insightId: string, patch: UpdateSavedInsight): Promise<SavedInsight> {
    const row = await this.row(workspaceId, insightId);
    const changes = {
      name: patch.name ?? row.name,
      description: patch.description ?? row.description,
      query: patch.query === undefined ? row.query : toJson(patch.query),
      chart: patch.chart ?? row.chart,
      range: patch.range ?? row.range,
      updated_at: nowIso(),
    };
    await this.store.db
      .updateTable('saved_insights')
      .set(changes)
      .where('workspace_id', '=', workspaceId)
      .where('insight_id', '=', insightId)
      .execute();
    return savedInsightOf({ ...row, ...changes });
  }

  /** Deletes the insight and its tiles on every dashboard. Throws `not_found`. */
  async delete(workspaceId: string, insightId: string): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      // The dashboards showing it are locked first, as tile changes lock them (dashboards-service).
      await trx
        .selectFrom('dashboards')
        .select('dashboard_id')
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', 'in', (eb) =>
          eb
            .selectFrom('dashboard_tiles')
            .select('dashboard_tiles.dashboard_id')
            .where('dashboard_tiles.workspace_id', '=', workspaceId)
            .where('dashboard_tiles.insight_id', '=', insightId),
        )
        .$call(lockedForUpdate(this.store.kind))
        .execute();
      const deleted = await trx
        .deleteFrom('saved_insights')
        .where('workspace_id', '=', workspaceId)
        .where('insight_id', '=', insightId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) {
        throw new AppError('not_found', `Saved insight ${insightId} not found`);
      }
      const boards = await trx
        .deleteFrom('dashboard_tiles')
        .where('workspace_id', '=', workspaceId)
        .where('insight_id', '=', insightId)
        .returning('dashboard_id')
        .execute();
      // The tiles left behind close the gaps, so positions stay 0..n-1.
      for (const dashboardId of new Set(boards.map((board) => board.dashboard_id))) {
        await renumberTiles(trx, workspaceId, dashboardId);
      }
    });
  }

  /** Saved insights whose filters or breakdown read the audience, as `saved insight "name"`. */
  readersOfAudience(workspaceId: string, audienceId: string): Promise<string[]> {
    return this.readersWhere(
      workspaceId,
      (subject) =>
        subject.on === 'audience' &&
        (subject.audienceId === audienceId ||
          (Array.isArray(subject.audienceIds) && subject.audienceIds.includes(audienceId))),
    );
  }

  /** Saved insights whose filters or breakdown read the computed trait, as `saved insight "name"`. */
  readersOfComputedTrait(workspaceId: string, name: string): Promise<string[]> {
    return this.readersWhere(
      workspaceId,
      (subject) =>
        subject.on === 'computed_trait' &&
        typeof subject.property === 'string' &&
        (subject.property === name || subject.property.startsWith(`${name}.`)),
    );
  }

  /** Filters and breakdowns sit at several depths of a query (range, series, steps): all are looked at. */
  private async readersWhere(
    workspaceId: string,
    reads: (subject: Readonly<Record<string, unknown>>) => boolean,
  ): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('saved_insights')
      .select(['name', 'query'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows
      .filter((row) => anySubject(fromJson(row.query), reads))
      .map((row) => `saved insight "${row.name}"`);
  }

  private async row(workspaceId: string, insightId: string): Promise<SavedInsightsTable> {
    const row = await this.store.db
      .selectFrom('saved_insights')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('insight_id', '=', insightId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Saved insight ${insightId} not found`);
    return row;
  }
}

export function savedInsightOf(row: SavedInsightsTable): SavedInsight {
  return {
    id: row.insight_id,
    name: row.name,
    description: row.description,
    query: fromJson<InsightQuery>(row.query),
    // Written from the contract's enums only.
    chart: row.chart as InsightChart,
    range: row.range as InsightRange,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Whether any object inside `value` that names what it reads (`on`) satisfies `reads`. */
function anySubject(value: unknown, reads: (subject: Readonly<Record<string, unknown>>) => boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => anySubject(item, reads));
  if (value === null || typeof value !== 'object') return false;
  const object = value as Record<string, unknown>;
  if (typeof object.on === 'string' && reads(object)) return true;
  return Object.values(object).some((item) => anySubject(item, reads));
}
