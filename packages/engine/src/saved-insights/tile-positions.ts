import type { Store } from '../store/index.js';

/** Rewrites a dashboard's tile positions as 0..n-1 in their current order (after removals). */
export async function renumberTiles(db: Store['db'], workspaceId: string, dashboardId: string) {
  const tiles = await db
    .selectFrom('dashboard_tiles')
    .select(['tile_id', 'position'])
    .where('workspace_id', '=', workspaceId)
    .where('dashboard_id', '=', dashboardId)
    .orderBy('position')
    .orderBy('tile_id')
    .execute();
  for (const [position, tile] of tiles.entries()) {
    if (tile.position === position) continue;
    await db
      .updateTable('dashboard_tiles')
      .set({ position })
      .where('workspace_id', '=', workspaceId)
      .where('tile_id', '=', tile.tile_id)
      .execute();
  }
}

/** A dashboard's tile ids in their order. */
export async function tileIdsOf(
  db: Store['db'],
  workspaceId: string,
  dashboardId: string,
): Promise<string[]> {
  const tiles = await db
    .selectFrom('dashboard_tiles')
    .select('tile_id')
    .where('workspace_id', '=', workspaceId)
    .where('dashboard_id', '=', dashboardId)
    .orderBy('position')
    .orderBy('tile_id')
    .execute();
  return tiles.map((tile) => tile.tile_id);
}
