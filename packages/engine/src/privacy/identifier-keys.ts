import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../destinations/index.js';
import { type Database, nowIso } from '../store/index.js';

/** An identifier as privacy/ hashes it: its type and value. */
export interface HashableIdentifier {
  readonly type: string;
  readonly value: string;
}

/** The form in which an identifier is hashed: emails case-insensitively, every value trimmed. */
export function canonicalValue(type: string, value: string): string {
  const trimmed = value.trim();
  return type === 'email' ? trimmed.toLowerCase() : trimmed;
}

/** HMAC-SHA256 of the identifier under the workspace's key, hex. */
export function identifierHash(key: Buffer, identifier: HashableIdentifier): string {
  return createHmac('sha256', key)
    .update(`${identifier.type}\u0000${canonicalValue(identifier.type, identifier.value)}`)
    .digest('hex');
}

/**
 * Each workspace's hashing key: 32 random bytes made on first use, stored sealed with the
 * server's secret key (so the database alone cannot test guesses against the hashes).
 */
export class IdentifierKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {}

  /** The workspace's key, made (once, whatever the number of processes racing) when it has none. */
  async keyOf(workspaceId: string): Promise<Buffer> {
    const cached = this.cache.get(workspaceId);
    if (cached) return cached;
    const context = `privacy-key:${workspaceId}`;
    await this.db
      .insertInto('privacy_keys')
      .values({
        workspace_id: workspaceId,
        sealed_key: this.secrets.seal(randomBytes(32).toString('base64'), context),
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    const stored = await this.db
      .selectFrom('privacy_keys')
      .select('sealed_key')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const key = Buffer.from(this.secrets.open(stored.sealed_key, context), 'base64');
    this.cache.set(workspaceId, key);
    return key;
  }

  async hashOf(workspaceId: string, identifier: HashableIdentifier): Promise<string> {
    return identifierHash(await this.keyOf(workspaceId), identifier);
  }
}
