import { RoleSchema, type SessionInfo, type Workspace } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { newId, newSecret } from '../ids/index.js';
import { nowIso, reusableQuery, type Store } from '../store/index.js';
import { listWorkspacesOfUser, workspaceById } from '../workspaces/index.js';
import { accountLinks } from './account-links.js';
import type { AccountMail } from './account-mail-sender.js';
import { MAX_CREDENTIAL_LENGTH } from './api-tokens.js';
import { type Members, normalizeEmail } from './members.js';
import { hashPassword, verifyPassword } from './password.js';
import type { PasswordStrength } from './password-strength.js';
import type { AccessRevocation, Principal } from './principal.js';
import { hashSecret } from './secret-hash.js';

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
const PASSWORD_RESET_TTL_MS = 3600 * 1000;

type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/** Logins: passwords (set, changed, reset by emailed link) and UI sessions. */
export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly deps: {
      readonly members: Members;
      readonly strength: PasswordStrength;
      readonly mail: AccountMail;
      readonly announce: (revocation: AccessRevocation) => void;
      readonly clock: () => number;
    },
  ) {}

  /**
   * Operator's path (bootstrap, CLI): creates a login, or returns the existing one for that
   * email, setting its password when one is given (which ends its sessions).
   */
  async ensureUser(options: { email: string; password?: string | undefined }) {
    const email = normalizeEmail(options.email);
    if (options.password !== undefined) {
      await this.deps.strength.assertStrong(options.password, 'password', [email]);
    }
    const passwordHash = options.password === undefined ? null : await hashPassword(options.password);
    const existing = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'email', 'created_at'])
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) {
      if (passwordHash) await this.replacePassword(existing.user_id, passwordHash);
      return { id: existing.user_id, email: existing.email, createdAt: existing.created_at };
    }
    const user = {
      user_id: newId('user'),
      email,
      password_hash: passwordHash,
      created_at: nowIso(this.deps.clock),
    };
    await this.store.db.insertInto('users').values(user).execute();
    return { id: user.user_id, email, createdAt: user.created_at };
  }

  /** Checks a password and opens a UI session in the user's first workspace. */
  async login(credentials: { email: string; password: string }) {
    const user = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'password_hash'])
      .where('email', '=', normalizeEmail(credentials.email))
      .executeTakeFirst();
    // Verify against a dummy hash for unknown users too, so timing does not reveal who exists.
    const valid = await verifyPassword(credentials.password, user?.password_hash ?? (await DUMMY_HASH));
    if (!user?.password_hash || !valid) return undefined;
    const first = (await listWorkspacesOfUser(this.store, user.user_id))[0];
    if (!first) {
      throw new AppError(
        'forbidden',
        'You are not a member of any workspace yet: accept an invitation from the link in its email',
      );
    }
    const secret = newSecret('', 32);
    const now = this.deps.clock();
    const session = {
      session_id: newId('session'),
      workspace_id: first.id,
      user_id: user.user_id,
      token_hash: hashSecret(secret),
      csrf_token: newSecret('', 24),
      created_at: nowIso(() => now),
      expires_at: nowIso(() => now + SESSION_TTL_MS),
    };
    await this.store.db.insertInto('sessions').values(session).execute();
    return { sessionSecret: secret, expiresAt: session.expires_at };
  }

  async authenticateSession(secret: string): Promise<SessionPrincipal | undefined> {
    if (secret.length > MAX_CREDENTIAL_LENGTH) return undefined;
    const [row] = await sessionByHash(this.store.db, hashSecret(secret));
    if (!row || Date.parse(row.expires_at) < this.deps.clock()) return undefined;
    return {
      kind: 'session',
      sessionId: row.session_id,
      userId: row.user_id,
      workspaceId: row.workspace_id,
      role: RoleSchema.parse(row.role),
      csrfToken: row.csrf_token,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.store.db.deleteFrom('sessions').where('session_id', '=', sessionId).execute();
    this.deps.announce({ kind: 'session', sessionId });
  }

  /** Moves a UI session to another workspace the user belongs to. */
  async switchWorkspace(sessionId: string, userId: string, workspaceId: string): Promise<void> {
    if (!(await this.deps.members.roleOf(workspaceId, userId))) {
      throw new AppError('not_found', `Workspace ${workspaceId} not found`);
    }
    await this.store.db
      .updateTable('sessions')
      .set({ workspace_id: workspaceId })
      .where('session_id', '=', sessionId)
      .execute();
    // What the session's streams were opened for may not be allowed in the new workspace.
    this.deps.announce({ kind: 'session', sessionId });
  }

  async sessionInfo(principal: SessionPrincipal): Promise<SessionInfo> {
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
      invitations: await this.deps.members.invitationsOfUser(principal.userId),
      mailConfigured: this.deps.mail.configured,
    };
  }

  /** Changes the signed-in user's password; their other sessions end, this one stays. */
  async changePassword(principal: SessionPrincipal, currentPassword: string, newPassword: string) {
    const user = await this.store.db
      .selectFrom('users')
      .select(['email', 'password_hash'])
      .where('user_id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    if (!user.password_hash || !(await verifyPassword(currentPassword, user.password_hash))) {
      throw new AppError('invalid_credentials', 'The current password is wrong', {
        details: [{ path: 'body.currentPassword', message: 'is wrong' }],
      });
    }
    await this.deps.strength.assertStrong(newPassword, 'body.newPassword', [user.email]);
    await this.replacePassword(principal.userId, await hashPassword(newPassword), principal.sessionId);
  }

  /**
   * Emails a one-time link to choose a new password, when the account exists. Answers the same
   * either way, so the request tells nobody whether an email has an account.
   */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'email'])
      .where('email', '=', normalizeEmail(email))
      .executeTakeFirst();
    if (!user || !this.deps.mail.configured) return;
    const now = this.deps.clock();
    const secret = await accountLinks.create(this.store.db, {
      purpose: 'password_reset',
      userId: user.user_id,
      ttlMs: PASSWORD_RESET_TTL_MS,
      now,
    });
    this.deps.mail.passwordReset({
      to: user.email,
      secret,
      expiresAt: nowIso(() => now + PASSWORD_RESET_TTL_MS),
    });
  }

  /** Sets a new password from an emailed reset link; every session of the account ends. */
  async resetPassword(secret: string, password: string): Promise<{ email: string }> {
    const now = this.deps.clock();
    const link = await accountLinks.find(this.store.db, 'password_reset', secret, now);
    if (!link) {
      throw new AppError('not_found', 'This reset link is not valid any more: it was used or expired');
    }
    const user = await this.store.db
      .selectFrom('users')
      .select('email')
      .where('user_id', '=', link.userId)
      .executeTakeFirstOrThrow();
    await this.deps.strength.assertStrong(password, 'body.password', [user.email]);
    const passwordHash = await hashPassword(password);
    if (!(await accountLinks.use(this.store.db, 'password_reset', secret, now))) {
      throw new AppError('not_found', 'This reset link is not valid any more: it was used or expired');
    }
    await this.replacePassword(link.userId, passwordHash);
    return { email: user.email };
  }

  /** Stores a new password hash and ends the account's sessions (but `keepSessionId`) and open links. */
  private async replacePassword(userId: string, passwordHash: string, keepSessionId?: string): Promise<void> {
    const now = this.deps.clock();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('user_id', '=', userId)
        .execute();
      await trx
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .$if(keepSessionId !== undefined, (query) => query.where('session_id', '!=', keepSessionId ?? ''))
        .execute();
      await accountLinks.expireAll(trx, userId, 'password_reset', now);
    });
    this.deps.announce({ kind: 'user', userId });
  }
}

const DUMMY_HASH = hashPassword('not-a-real-password');

// Read on every request a UI session makes: compiled once, not built anew each time.
const sessionByHash = reusableQuery((db, tokenHash: string) =>
  db
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
    .where('sessions.token_hash', '=', tokenHash),
);
