import type { DealSettings } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type Database, fromJson, nowIso, toJson } from '../../store/index.js';

/** What a workspace says about its deals until it changes it: anyone with crm:write edits any deal. */
export const DEFAULT_DEAL_SETTINGS: DealSettings = { ownerOnlyEdits: false };

/** The workspace's deal settings (kept under `deals` in its CRM settings). */
export async function dealSettingsOf(db: Kysely<Database>, workspaceId: string): Promise<DealSettings> {
  const row = await db
    .selectFrom('crm_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const stored = row ? fromJson<{ deals?: Partial<DealSettings> }>(row.settings).deals : undefined;
  return { ...DEFAULT_DEAL_SETTINGS, ...stored };
}

/** In the caller's transaction, once the workspace's CRM settings row exists. */
export async function storeDealSettings(
  db: Kysely<Database>,
  workspaceId: string,
  settings: DealSettings,
  clock: () => number,
): Promise<void> {
  const row = await db
    .selectFrom('crm_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  // Other CRM settings live beside `deals` in the same document: kept as they are.
  const all = { ...fromJson<Record<string, unknown>>(row.settings), deals: settings };
  await db
    .updateTable('crm_settings')
    .set({ settings: toJson(all), updated_at: nowIso(clock) })
    .where('workspace_id', '=', workspaceId)
    .execute();
}
