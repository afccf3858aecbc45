import type { Kysely } from 'kysely';
import { newSecret } from '../ids/index.js';
import { type Database, nowIso } from '../store/index.js';
import { hashSecret } from './secret-hash.js';

export type LinkPurpose = 'invitation' | 'password_reset';

/** The longest link secret accepted: anything longer is refused before it is hashed. */
export const MAX_LINK_SECRET_LENGTH = 200;

export interface AccountLink {
  readonly userId: string;
  readonly invitationId: string | null;
}

/**
 * One-time links sent by email: the secret travels in the link, the store keeps its hash; a
 * link works until it is used or expires.
 */
export const accountLinks = {
  async create(
    db: Kysely<Database>,
    link: { purpose: LinkPurpose; userId: string; invitationId?: string; ttlMs: number; now: number },
  ): Promise<string> {
    const secret = newSecret('', 32);
    await db
      .insertInto('account_links')
      .values({
        link_hash: hashSecret(secret),
        purpose: link.purpose,
        user_id: link.userId,
        invitation_id: link.invitationId ?? null,
        created_at: nowIso(() => link.now),
        expires_at: nowIso(() => link.now + link.ttlMs),
        used_at: null,
      })
      .execute();
    return secret;
  },

  /** The link behind a secret while it is usable, without using it. */
  async find(
    db: Kysely<Database>,
    purpose: LinkPurpose,
    secret: string,
    now: number,
  ): Promise<AccountLink | undefined> {
    if (secret.length > MAX_LINK_SECRET_LENGTH) return undefined;
    const row = await db
      .selectFrom('account_links')
      .select(['user_id', 'invitation_id'])
      .where('link_hash', '=', hashSecret(secret))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where(
        'expires_at',
        '>',
        nowIso(() => now),
      )
      .executeTakeFirst();
    return row && { userId: row.user_id, invitationId: row.invitation_id };
  },

  /** Uses a link: true only for the one caller that used it first. */
  async use(db: Kysely<Database>, purpose: LinkPurpose, secret: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('account_links')
      .set({ used_at: nowIso(() => now) })
      .where('link_hash', '=', hashSecret(secret))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where(
        'expires_at',
        '>',
        nowIso(() => now),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /** Ends every open link of a user for a purpose (a new password ends older reset links). */
  async expireAll(db: Kysely<Database>, userId: string, purpose: LinkPurpose, now: number): Promise<void> {
    await db
      .updateTable('account_links')
      .set({ used_at: nowIso(() => now) })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  },
};
