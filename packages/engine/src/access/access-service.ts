import {
  type ApiToken,
  type Member,
  type Role,
  RoleSchema,
  type SessionInfo,
  type Workspace,
} from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { newId, newSecret } from '../ids/index.js';
import { nowIso, type Store } from '../store/index.js';
import { listWorkspacesOfUser, workspaceById } from '../workspaces/index.js';
import { hashPassword, verifyPassword } from './password.js';
import type { AccessRevocation, Principal } from './principal.js';
import { hashSecret } from './secret-hash.js';

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// Writing last_used_at on every request would turn reads into writes; once a minute is plenty.
const LAST_USED_RESOLUTION_MS = 60_000;

function toRole(stored: string): Role {
  return RoleSchema.parse(stored);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Users, memberships, API tokens and UI sessions. */
export class AccessService {
  private readonly revocationListeners = new Set<(revocation: AccessRevocation) => void>();

  constructor(private readonly store: Store) {}

  /** Calls `listener` whenever credentials of this process's store end or lose rights; returns an unsubscribe. */
  onRevoked(listener: (revocation: AccessRevocation) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private revoked(revocation: AccessRevocation): void {
    for (const listener of this.revocationListeners) listener(revocation);
  }

  /** Creates a login, or returns the existing one for that email (setting its password if given). */
  async ensureUser(options: { email: string; password?: string | undefined }) {
    const email = normalizeEmail(options.email);
    const passwordHash = options.password ? await hashPassword(options.password) : null;
    const existing = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'email', 'created_at'])
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) {
      if (passwordHash) {
        await this.store.db
          .updateTable('users')
          .set({ password_hash: passwordHash })
          .where('user_id', '=', existing.user_id)
          .execute();
      }
      return { id: existing.user_id, email: existing.email, createdAt: existing.created_at };
    }
    const user = { user_id: newId('user'), email, password_hash: passwordHash, created_at: nowIso() };
    await this.store.db.insertInto('users').values(user).execute();
    return { id: user.user_id, email, createdAt: user.created_at };
  }

  /** Makes the user a member of the workspace with the role (changing the role if already one). */
  async addMember(workspaceId: string, userId: string, role: Role): Promise<void> {
    await this.store.db
      .insertInto('memberships')
      .values({ workspace_id: workspaceId, user_id: userId, role, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async inviteMember(
    workspaceId: string,
    invite: { email: string; password?: string | undefined; role: Role },
  ): Promise<Member> {
    const user = await this.ensureUser(invite);
    await this.addMember(workspaceId, user.id, invite.role);
    return { id: user.id, email: user.email, role: invite.role, createdAt: user.createdAt };
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const rows = await this.store.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.user_id', 'memberships.user_id')
      .select(['users.user_id', 'users.email', 'memberships.role', 'memberships.created_at'])
      .where('memberships.workspace_id', '=', workspaceId)
      .orderBy('users.email')
      .execute();
    return rows.map((r) => ({
      id: r.user_id,
      email: r.email,
      role: toRole(r.role),
      createdAt: r.created_at,
    }));
  }

  async roleOf(workspaceId: string, userId: string): Promise<Role | undefined> {
    const row = await this.store.db
      .selectFrom('memberships')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toRole(row.role) : undefined;
  }

  /**
   * Creates an API token. The secret is returned here only; the store keeps its hash.
   * `secret` lets automation choose it (TANDEM_ADMIN_TOKEN).
   */
  async createToken(options: {
    workspaceId: string;
    name: string;
    role: Role;
    userId?: string | null | undefined;
    secret?: string | undefined;
  }): Promise<ApiToken & { token: string }> {
    const token = options.secret ?? newSecret('tdm_');
    const row = {
      token_id: newId('token'),
      workspace_id: options.workspaceId,
      user_id: options.userId ?? null,
      name: options.name,
      role: options.role,
      token_hash: hashSecret(token),
      created_at: nowIso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.store.db.insertInto('api_tokens').values(row).execute();
    return { ...tokenOf(row), token };
  }

  async listTokens(workspaceId: string): Promise<ApiToken[]> {
    const rows = await this.store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .orderBy('token_id')
      .execute();
    return rows.map(tokenOf);
  }

  async revokeToken(workspaceId: string, tokenId: string): Promise<void> {
    const result = await this.store.db
      .updateTable('api_tokens')
      .set({ revoked_at: nowIso() })
      .where('workspace_id', '=', workspaceId)
      .where('token_id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError('not_found', `Token ${tokenId} not found`);
    this.revoked({ kind: 'token', tokenId });
  }

  /** The principal behind a bearer token, or undefined when it is unknown or revoked. */
  async authenticateToken(secret: string): Promise<Principal | undefined> {
    const row = await this.store.db
      .selectFrom('api_tokens')
      .select(['token_id', 'workspace_id', 'role', 'last_used_at', 'user_id'])
      .where('token_hash', '=', hashSecret(secret))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    if (!row.last_used_at || now - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await this.store.db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso() })
        .where('token_id', '=', row.token_id)
        .execute();
    }
    return {
      kind: 'token',
      tokenId: row.token_id,
      workspaceId: row.workspace_id,
      role: toRole(row.role),
      userId: row.user_id,
    };
  }

  /** Checks a password and opens a UI session in the user's chosen (or first) workspace. */
  async login(credentials: { email: string; password: string }) {
    const user = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'password_hash'])
      .where('email', '=', normalizeEmail(credentials.email))
      .executeTakeFirst();
    // Verify against a dummy hash for unknown users too, so timing does not reveal who exists.
    const storedHash = user?.password_hash ?? DUMMY_HASH;
    const valid = await verifyPassword(credentials.password, await storedHash);
    if (!user?.password_hash || !valid) return undefined;
    const workspaces = await listWorkspacesOfUser(this.store, user.user_id);
    const first = workspaces[0];
    if (!first) return undefined;
    const secret = newSecret('', 32);
    const session = {
      session_id: newId('session'),
      workspace_id: first.id,
      user_id: user.user_id,
      token_hash: hashSecret(secret),
      csrf_token: newSecret('', 24),
      created_at: nowIso(),
      expires_at: new Date(Date.now() + SESSION_TTL_MS).toISOString(),
    };
    await this.store.db.insertInto('sessions').values(session).execute();
    return { sessionSecret: secret, expiresAt: session.expires_at };
  }

  async authenticateSession(secret: string): Promise<Principal | undefined> {
    const row = await this.store.db
      .selectFrom('sessions')
      .innerJoin('memberships', (join) =>
        join
          .onRef('memberships.workspace_id', '=', 'sessions.workspace_id')
          .onRef('memberships.user_id', '=', 'sessions.user_id'),
      )
      .select([
        'sessions.session_id',
        'sessions.user_id',
        'sessions.workspace_id',
        'sessions.csrf_token',
        'sessions.expires_at',
        'memberships.role',
      ])
      .where('sessions.token_hash', '=', hashSecret(secret))
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) < Date.now()) return undefined;
    return {
      kind: 'session',
      sessionId: row.session_id,
      userId: row.user_id,
      workspaceId: row.workspace_id,
      role: toRole(row.role),
      csrfToken: row.csrf_token,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.store.db.deleteFrom('sessions').where('session_id', '=', sessionId).execute();
    this.revoked({ kind: 'session', sessionId });
  }

  /** Moves a UI session to another workspace the user belongs to. */
  async switchWorkspace(sessionId: string, userId: string, workspaceId: string): Promise<void> {
    if (!(await this.roleOf(workspaceId, userId))) {
      throw new AppError('not_found', `Workspace ${workspaceId} not found`);
    }
    await this.store.db
      .updateTable('sessions')
      .set({ workspace_id: workspaceId })
      .where('session_id', '=', sessionId)
      .execute();
  }

  async sessionInfo(principal: Extract<Principal, { kind: 'session' }>): Promise<SessionInfo> {
    const user = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'email'])
      .where('user_id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    const workspaces: Workspace[] = await listWorkspacesOfUser(this.store, principal.userId);
    const workspace = await workspaceById(this.store, principal.workspaceId);
    if (!workspace) throw new AppError('not_found', 'Workspace not found');
    return {
      user: { id: user.user_id, email: user.email },
      workspace: { ...workspace, role: principal.role },
      role: principal.role,
      csrfToken: principal.csrfToken,
      workspaces,
    };
  }
}

const DUMMY_HASH = hashPassword('not-a-real-password');

function tokenOf(row: {
  token_id: string;
  workspace_id: string;
  name: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
}): ApiToken {
  return {
    id: row.token_id,
    name: row.name,
    role: toRole(row.role),
    workspaceId: row.workspace_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
