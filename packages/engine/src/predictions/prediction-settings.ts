import type { PredictionSettings } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** Until a workspace saves its own: Segment's e-commerce spec names, daily units, a daily refresh, off. */
export const DEFAULT_PREDICTION_SETTINGS: PredictionSettings = {
  enabled: false,
  orderEvent: 'Order Completed',
  valueProperty: 'revenue',
  timeUnit: 'day',
  refreshHours: 24,
};

export async function predictionSettingsOf(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<PredictionSettings> {
  const row = await db
    .selectFrom('prediction_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return DEFAULT_PREDICTION_SETTINGS;
  return {
    enabled: Number(row.enabled) === 1,
    orderEvent: row.order_event,
    valueProperty: row.value_property,
    timeUnit: row.time_unit === 'week' ? 'week' : 'day',
    refreshHours: Number(row.refresh_hours),
  };
}

export async function savePredictionSettings(
  db: Kysely<Database>,
  workspaceId: string,
  settings: PredictionSettings,
  at: string,
): Promise<void> {
  const values = {
    enabled: settings.enabled ? 1 : 0,
    order_event: settings.orderEvent,
    value_property: settings.valueProperty,
    time_unit: settings.timeUnit,
    refresh_hours: settings.refreshHours,
    updated_at: at,
  };
  await db
    .insertInto('prediction_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(values))
    .execute();
}

/** Workspaces whose scheduled refresh is on. */
export async function workspacesPredicting(
  db: Kysely<Database>,
): Promise<{ workspaceId: string; refreshHours: number }[]> {
  const rows = await db
    .selectFrom('prediction_settings')
    .select(['workspace_id', 'refresh_hours'])
    .where('enabled', '=', 1)
    .execute();
  return rows.map((row) => ({ workspaceId: row.workspace_id, refreshHours: Number(row.refresh_hours) }));
}
