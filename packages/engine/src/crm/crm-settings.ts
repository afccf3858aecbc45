import type { CrmSettings } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type Database, fromJson, nowIso, toJson } from '../store/index.js';
import type { CrmEvents } from './crm-events.js';

const DEFAULTS: CrmSettings = { linkPeopleByEmailDomain: false, assignNewLeadsTo: null };

/** The workspace's CRM settings (kept beside the CRM's internal source). */
export async function crmSettingsOf(db: Kysely<Database>, workspaceId: string): Promise<CrmSettings> {
  const row = await db
    .selectFrom('crm_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return { ...DEFAULTS, ...(row ? fromJson<Partial<CrmSettings>>(row.settings) : {}) };
}

export async function saveCrmSettings(
  db: Kysely<Database>,
  crmEvents: CrmEvents,
  workspaceId: string,
  settings: CrmSettings,
): Promise<CrmSettings> {
  // The row is created with the internal source on first use.
  await crmEvents.sourceOf(db, workspaceId);
  await db
    .updateTable('crm_settings')
    .set({ settings: toJson(settings), updated_at: nowIso() })
    .where('workspace_id', '=', workspaceId)
    .execute();
  return crmSettingsOf(db, workspaceId);
}
