import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Database, nowIso } from '../store/index.js';

/**
 * Each workspace's tracking key (made on first use, kept in the store so every process signs
 * and checks alike). Decorating is synchronous: it uses the key `load` put in the cache, and the
 * policy loads it in `decide`, which the sender always calls first.
 */
export class TrackingKeys {
  private readonly cache = new Map<string, Buffer>();

  /** The workspace's key, made on first use. */
  async load(db: Kysely<Database>, workspaceId: string): Promise<Buffer> {
    const found = await this.find(db, workspaceId);
    if (found) return found;
    await db
      .insertInto('email_tracking_keys')
      .values({
        workspace_id: workspaceId,
        tracking_key: randomBytes(32).toString('hex'),
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    const made = await this.find(db, workspaceId);
    if (!made) throw new Error(`could not store the tracking key of ${workspaceId}`);
    return made;
  }

  /** The workspace's key if it has one (checking a token never makes one). */
  async find(db: Kysely<Database>, workspaceId: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(workspaceId);
    if (cached) return cached;
    const row = await db
      .selectFrom('email_tracking_keys')
      .select('tracking_key')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) return undefined;
    const key = Buffer.from(row.tracking_key, 'hex');
    this.cache.set(workspaceId, key);
    return key;
  }

  /** The key `load` cached; a decorate before any decide of the workspace is a bug of the caller. */
  cached(workspaceId: string): Buffer {
    const key = this.cache.get(workspaceId);
    if (!key)
      throw new Error(`the tracking key of ${workspaceId} is not loaded: call decide before decorate`);
    return key;
  }
}
