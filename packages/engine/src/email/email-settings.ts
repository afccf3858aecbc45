import type { EmailSettings } from '@tandem/contract';
import { nowIso, type Store } from '../store/index.js';

/** A workspace that set nothing sends at this rate, without an hourly cap. */
export const DEFAULT_EMAIL_SETTINGS: EmailSettings = {
  fromAddress: null,
  fromName: null,
  perSecond: 100,
  perHour: null,
};

/** Each workspace's sending settings: default sender, rate (emails/s) and sliding-hour cap. */
export class EmailSettingsService {
  private readonly cached = new Map<string, { settings: EmailSettings; at: number }>();
  private readonly listeners: ((workspaceId: string) => void)[] = [];

  constructor(private readonly store: Store) {}

  async get(workspaceId: string): Promise<EmailSettings> {
    const row = await this.store.db
      .selectFrom('email_settings')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return { ...DEFAULT_EMAIL_SETTINGS };
    return {
      fromAddress: row.from_address,
      fromName: row.from_name,
      perSecond: row.per_second === null ? null : Number(row.per_second),
      perHour: row.per_hour === null ? null : Number(row.per_hour),
    };
  }

  /** The settings as the sender reads them: cached for a few seconds, dropped on every change. */
  async current(workspaceId: string, now = Date.now()): Promise<EmailSettings> {
    const hit = this.cached.get(workspaceId);
    if (hit && now - hit.at < 5000) return hit.settings;
    const settings = await this.get(workspaceId);
    this.cached.set(workspaceId, { settings, at: now });
    return settings;
  }

  async update(workspaceId: string, patch: Partial<EmailSettings>): Promise<EmailSettings> {
    const next = { ...(await this.get(workspaceId)), ...patch };
    const columns = {
      from_address: next.fromAddress,
      from_name: next.fromName,
      per_second: next.perSecond,
      per_hour: next.perHour,
      updated_at: nowIso(),
    };
    await this.store.db
      .insertInto('email_settings')
      .values({ workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(columns))
      .execute();
    this.cached.delete(workspaceId);
    for (const listener of this.listeners) listener(workspaceId);
    return next;
  }

  onChanged(listener: (workspaceId: string) => void): void {
    this.listeners.push(listener);
  }
}
