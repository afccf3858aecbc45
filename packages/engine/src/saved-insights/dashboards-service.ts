import type {
  Dashboard,
  DashboardSummary,
  DashboardTile,
  NewDashboard,
  UpdateDashboard,
} from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { type DashboardsTable, lockedForUpdate, nowIso, type Store } from '../store/index.js';
import { savedInsightOf } from './saved-insights-service.js';
import { renumberTiles, tileIdsOf } from './tile-positions.js';

/** Most tiles one dashboard holds. */
export const MAX_DASHBOARD_TILES = 100;

/**
 * Dashboards: a named, ordered grid of saved insights, each tile one or two columns wide. Shared
 * by the whole workspace. Positions are kept 0..n-1 in reading order.
 */
export class DashboardsService {
  constructor(private readonly store: Store) {}

  /** The workspace's dashboards, by name, with their tile counts. */
  async list(workspaceId: string): Promise<DashboardSummary[]> {
    const rows = await this.store.db
      .selectFrom('dashboards')
      .selectAll('dashboards')
      .select((eb) =>
        eb
          .selectFrom('dashboard_tiles')
          .select((count) => count.fn.countAll<number | string>().as('tiles'))
          .whereRef('dashboard_tiles.workspace_id', '=', 'dashboards.workspace_id')
          .whereRef('dashboard_tiles.dashboard_id', '=', 'dashboards.dashboard_id')
          .as('tile_count'),
      )
      .where('dashboards.workspace_id', '=', workspaceId)
      .orderBy('dashboards.name')
      .orderBy('dashboards.dashboard_id')
      .execute();
    return rows.map((row) => ({ ...summaryOf(row), tileCount: Number(row.tile_count ?? 0) }));
  }

  /** The dashboard with its tiles in order, each with its saved insight. Throws `not_found`. */
  async get(workspaceId: string, dashboardId: string): Promise<Dashboard> {
    const dashboard = await this.row(workspaceId, dashboardId);
    return { ...summaryOf(dashboard), tiles: await this.tiles(workspaceId, dashboardId) };
  }

  async create(workspaceId: string, createdBy: string, dashboard: NewDashboard): Promise<Dashboard> {
    const now = nowIso();
    const row: DashboardsTable = {
      workspace_id: workspaceId,
      dashboard_id: newId('dashboard'),
      name: dashboard.name,
      description: dashboard.description ?? '',
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('dashboards').values(row).execute();
    return { ...summaryOf(row), tiles: [] };
  }

  /** Renames or redescribes. Throws `not_found`. */
  async update(workspaceId: string, dashboardId: string, patch: UpdateDashboard): Promise<Dashboard> {
    const row = await this.row(workspaceId, dashboardId);
    const changes = {
      name: patch.name ?? row.name,
      description: patch.description ?? row.description,
      updated_at: nowIso(),
    };
    await this.store.db
      .updateTable('dashboards')
      .set(changes)
      .where('workspace_id', '=', workspaceId)
      .where('dashboard_id', '=', dashboardId)
      .execute();
    return this.get(workspaceId, dashboardId);
  }

  /** Deletes the dashboard and its tiles (the saved insights stay). Throws `not_found`. */
  async delete(workspaceId: string, dashboardId: string): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('dashboards')
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) {
        throw new AppError('not_found', `Dashboard ${dashboardId} not found`);
      }
      await trx
        .deleteFrom('dashboard_tiles')
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .execute();
    });
  }

  /**
   * Adds a saved insight as the last tile. Throws `not_found` (dashboard or insight) or
   * `unprocessable` past MAX_DASHBOARD_TILES.
   */
  async addTile(
    workspaceId: string,
    dashboardId: string,
    tile: { insightId: string; width: number },
  ): Promise<Dashboard> {
    await this.arranging(workspaceId, dashboardId, async (trx) => {
      const insight = await trx
        .selectFrom('saved_insights')
        .select('insight_id')
        .where('workspace_id', '=', workspaceId)
        .where('insight_id', '=', tile.insightId)
        .executeTakeFirst();
      if (!insight) {
        throw new AppError('not_found', `Saved insight ${tile.insightId} not found`, {
          details: [{ path: 'insightId', message: 'no saved insight has this id' }],
        });
      }
      const count = (await tileIdsOf(trx, workspaceId, dashboardId)).length;
      if (count >= MAX_DASHBOARD_TILES) {
        throw new AppError('unprocessable', `A dashboard holds at most ${MAX_DASHBOARD_TILES} tiles`);
      }
      await trx
        .insertInto('dashboard_tiles')
        .values({
          workspace_id: workspaceId,
          tile_id: newId('dashboardTile'),
          dashboard_id: dashboardId,
          insight_id: tile.insightId,
          width: tile.width,
          position: count,
        })
        .execute();
    });
    return this.get(workspaceId, dashboardId);
  }

  /** Sets a tile's width (1 or 2 columns). Throws `not_found`. */
  async resizeTile(workspaceId: string, dashboardId: string, tileId: string, width: number) {
    await this.arranging(workspaceId, dashboardId, async (trx) => {
      const updated = await trx
        .updateTable('dashboard_tiles')
        .set({ width })
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .where('tile_id', '=', tileId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw new AppError('not_found', `Tile ${tileId} not found`);
    });
    return this.get(workspaceId, dashboardId);
  }

  /** Removes a tile and closes the gap it leaves. Throws `not_found`. */
  async removeTile(workspaceId: string, dashboardId: string, tileId: string): Promise<Dashboard> {
    await this.arranging(workspaceId, dashboardId, async (trx) => {
      const deleted = await trx
        .deleteFrom('dashboard_tiles')
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .where('tile_id', '=', tileId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new AppError('not_found', `Tile ${tileId} not found`);
      await renumberTiles(trx, workspaceId, dashboardId);
    });
    return this.get(workspaceId, dashboardId);
  }

  /**
   * Puts the tiles in the given order. The list must name every tile of the dashboard once, so
   * two people arranging at once cannot lose a tile: the later one gets `bad_request` and reloads.
   */
  async reorderTiles(workspaceId: string, dashboardId: string, tileIds: readonly string[]) {
    await this.arranging(workspaceId, dashboardId, async (trx) => {
      const current = await tileIdsOf(trx, workspaceId, dashboardId);
      const same =
        tileIds.length === current.length &&
        new Set(tileIds).size === tileIds.length &&
        tileIds.every((id) => current.includes(id));
      if (!same) {
        throw new AppError(
          'bad_request',
          'tileIds must list every tile of the dashboard exactly once (reload it: it has changed)',
          { details: [{ path: 'tileIds', message: 'must list every tile of the dashboard exactly once' }] },
        );
      }
      await this.writeOrder(trx, workspaceId, tileIds);
    });
    return this.get(workspaceId, dashboardId);
  }

  /**
   * Runs a change of the dashboard's tiles in one transaction that first locks the dashboard's
   * row (PostgreSQL; SQLite writes one at a time), so concurrent changes of one dashboard queue
   * up instead of computing positions from the same stale count. Throws `not_found`.
   */
  private async arranging(
    workspaceId: string,
    dashboardId: string,
    change: (trx: Store['db']) => Promise<void>,
  ): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const locked = await trx
        .selectFrom('dashboards')
        .select('dashboard_id')
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .$call(lockedForUpdate(this.store.kind))
        .executeTakeFirst();
      if (!locked) throw new AppError('not_found', `Dashboard ${dashboardId} not found`);
      await change(trx);
      await trx
        .updateTable('dashboards')
        .set({ updated_at: nowIso() })
        .where('workspace_id', '=', workspaceId)
        .where('dashboard_id', '=', dashboardId)
        .execute();
    });
  }

  private async writeOrder(db: Store['db'], workspaceId: string, tileIds: readonly string[]) {
    for (const [position, tileId] of tileIds.entries()) {
      await db
        .updateTable('dashboard_tiles')
        .set({ position })
        .where('workspace_id', '=', workspaceId)
        .where('tile_id', '=', tileId)
        .execute();
    }
  }

  private async tiles(workspaceId: string, dashboardId: string): Promise<DashboardTile[]> {
    const rows = await this.store.db
      .selectFrom('dashboard_tiles')
      .innerJoin('saved_insights', (join) =>
        join
          .onRef('saved_insights.workspace_id', '=', 'dashboard_tiles.workspace_id')
          .onRef('saved_insights.insight_id', '=', 'dashboard_tiles.insight_id'),
      )
      .selectAll('saved_insights')
      .select(['dashboard_tiles.tile_id', 'dashboard_tiles.width', 'dashboard_tiles.position'])
      .where('dashboard_tiles.workspace_id', '=', workspaceId)
      .where('dashboard_tiles.dashboard_id', '=', dashboardId)
      .orderBy('dashboard_tiles.position')
      .orderBy('dashboard_tiles.tile_id')
      .execute();
    return rows.map((row) => ({
      id: row.tile_id,
      insightId: row.insight_id,
      width: row.width,
      position: row.position,
      insight: savedInsightOf(row),
    }));
  }

  private async row(workspaceId: string, dashboardId: string): Promise<DashboardsTable> {
    const row = await this.store.db
      .selectFrom('dashboards')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('dashboard_id', '=', dashboardId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Dashboard ${dashboardId} not found`);
    return row;
  }
}

function summaryOf(row: DashboardsTable): Omit<DashboardSummary, 'tileCount'> {
  return {
    id: row.dashboard_id,
    name: row.name,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
