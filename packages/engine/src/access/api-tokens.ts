import { type ApiToken, lesserRole, type Role, RoleSchema } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { newId, newSecret } from '../ids/index.js';
import { nowIso, reusableQuery, type Store } from '../store/index.js';
import type { AccessRevocation, Principal } from './principal.js';
import { hashSecret } from './secret-hash.js';

// Writing last_used_at on every request would turn reads into writes; once a minute is plenty.
const LAST_USED_RESOLUTION_MS = 60_000;
/** Secrets are ~50 characters; anything much longer is refused before it is hashed. */
export const MAX_CREDENTIAL_LENGTH = 200;

/**
 * API tokens: random secrets stored as hashes, each acting in one workspace. A token a user
 * created never does more than that user's current role there allows, and stops working when
 * they leave the workspace; machine tokens (bootstrap, CLI) keep the role they were given.
 */
export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly announce: (revocation: AccessRevocation) => void,
    private readonly clock: () => number,
  ) {}

  /** Creates a token; the secret is returned here only. `secret` lets automation choose it. */
  async create(options: {
    workspaceId: string;
    name: string;
    role: Role;
    userId?: string | null | undefined;
    secret?: string | undefined;
    expiresAt?: string | undefined;
  }): Promise<ApiToken & { token: string }> {
    if (options.expiresAt !== undefined && Date.parse(options.expiresAt) <= this.clock()) {
      throw new AppError('validation_failed', 'expiresAt must be in the future', {
        details: [{ path: 'body.expiresAt', message: 'must be in the future' }],
      });
    }
    const token = options.secret ?? newSecret('tdm_');
    const row = {
      token_id: newId('token'),
      workspace_id: options.workspaceId,
      user_id: options.userId ?? null,
      name: options.name,
      role: options.role,
      token_hash: hashSecret(token),
      created_at: nowIso(this.clock),
      last_used_at: null,
      revoked_at: null,
      expires_at: options.expiresAt === undefined ? null : new Date(options.expiresAt).toISOString(),
    };
    await this.store.db.insertInto('api_tokens').values(row).execute();
    const creator = row.user_id ? await this.creatorOf(row.user_id) : null;
    return { ...tokenOf({ ...row, email: creator }), token };
  }

  /** The workspace's tokens that still work (not revoked, not expired). */
  async list(workspaceId: string): Promise<ApiToken[]> {
    const rows = await this.store.db
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.user_id', 'api_tokens.user_id')
      .selectAll('api_tokens')
      .select('users.email')
      .where('api_tokens.workspace_id', '=', workspaceId)
      .where('api_tokens.revoked_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('api_tokens.expires_at', 'is', null),
          eb('api_tokens.expires_at', '>', nowIso(this.clock)),
        ]),
      )
      .orderBy('api_tokens.token_id')
      .execute();
    return rows.map(tokenOf);
  }

  async revoke(workspaceId: string, tokenId: string): Promise<void> {
    const result = await this.store.db
      .updateTable('api_tokens')
      .set({ revoked_at: nowIso(this.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('token_id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError('not_found', `Token ${tokenId} not found`);
    this.announce({ kind: 'token', tokenId });
  }

  /** Revokes every token a user made in a workspace (they left it). */
  async revokeAllOf(workspaceId: string, userId: string): Promise<void> {
    const tokens = await this.store.db
      .updateTable('api_tokens')
      .set({ revoked_at: nowIso(this.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('token_id')
      .execute();
    for (const { token_id } of tokens) this.announce({ kind: 'token', tokenId: token_id });
  }

  /** The principal behind a bearer token, or undefined when unknown, revoked, expired or orphaned. */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (secret.length > MAX_CREDENTIAL_LENGTH) return undefined;
    const [row] = await tokenByHash(this.store.db, hashSecret(secret));
    if (!row) return undefined;
    const now = this.clock();
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now) return undefined;
    let role = RoleSchema.parse(row.role);
    if (row.user_id !== null) {
      // A user's token acts for them: never beyond their current role, never once they left.
      if (row.member_role === null) return undefined;
      role = lesserRole(role, RoleSchema.parse(row.member_role));
    }
    if (!row.last_used_at || now - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await this.store.db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso(this.clock) })
        .where('token_id', '=', row.token_id)
        .execute();
    }
    return { kind: 'token', tokenId: row.token_id, workspaceId: row.workspace_id, role, userId: row.user_id };
  }

  private async creatorOf(userId: string): Promise<string | null> {
    const user = await this.store.db
      .selectFrom('users')
      .select('email')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return user?.email ?? null;
  }
}

// Read on every request a token makes: compiled once, not built anew each time.
const tokenByHash = reusableQuery((db, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .leftJoin('memberships', (join) =>
      join
        .onRef('memberships.workspace_id', '=', 'api_tokens.workspace_id')
        .onRef('memberships.user_id', '=', 'api_tokens.user_id'),
    )
    .select([
      'api_tokens.token_id',
      'api_tokens.workspace_id',
      'api_tokens.role',
      'api_tokens.last_used_at',
      'api_tokens.user_id',
      'api_tokens.expires_at',
      'memberships.role as member_role',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null),
);

function tokenOf(row: {
  token_id: string;
  workspace_id: string;
  user_id: string | null;
  email: string | null;
  name: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}): ApiToken {
  return {
    id: row.token_id,
    name: row.name,
    role: RoleSchema.parse(row.role),
    workspaceId: row.workspace_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    createdBy: row.user_id && row.email ? { id: row.user_id, email: row.email } : null,
  };
}
