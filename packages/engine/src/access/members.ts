import {
  type Invitation,
  InvitationSchema,
  type Member,
  type Role,
  RoleSchema,
  roleAllows,
  roleCanGrant,
  roleOutranks,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { type Database, lockedForUpdate, nowIso, type Store } from '../store/index.js';
import { workspaceById } from '../workspaces/index.js';
import { accountLinks } from './account-links.js';
import type { AccountMail } from './account-mail-sender.js';
import type { ApiTokens } from './api-tokens.js';
import { hashPassword } from './password.js';
import type { PasswordStrength } from './password-strength.js';
import type { AccessRevocation } from './principal.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Who acts on a workspace's members: their role there, and their user when a user acts. */
export interface MemberActor {
  readonly userId: string | null;
  readonly role: Role;
}

/** Someone who left or was removed: who took the decision, and who takes over what they held. */
export interface MemberRemoval {
  readonly workspaceId: string;
  readonly userId: string;
  /** The acting user (null: a token without a user). */
  readonly actorId: string | null;
  /** A current member taking over their people, companies, open deals, tasks and tickets. */
  readonly handOverTo: string | null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Workspace members and invitations, under one role order: nobody grants a role above their own
 * or changes or removes a member ranked above them, and a workspace always keeps an owner.
 * Inviting an existing account only adds a membership: its credentials are never touched, and
 * the answer is the same whether the account existed.
 */
export class Members {
  constructor(
    private readonly store: Store,
    private readonly deps: {
      readonly tokens: ApiTokens;
      readonly strength: PasswordStrength;
      readonly mail: AccountMail;
      readonly announce: (revocation: AccessRevocation) => void;
      readonly clock: () => number;
      /** Invitees join only once they accept (else at once). */
      readonly invitationsNeedAcceptance: boolean;
    },
  ) {}

  private readonly removedListeners = new Set<(removal: MemberRemoval) => Promise<void>>();

  /** Called once someone has left or been removed (committed); the answer waits for the listeners. */
  onRemoved(listener: (removal: MemberRemoval) => Promise<void>): void {
    this.removedListeners.add(listener);
  }

  async list(workspaceId: string): Promise<Member[]> {
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
      role: RoleSchema.parse(r.role),
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
    return row ? RoleSchema.parse(row.role) : undefined;
  }

  /** The email of each of these users that still exists (to name former members by). */
  async emailsOf(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.store.db
      .selectFrom('users')
      .select(['user_id', 'email'])
      .where('user_id', 'in', userIds)
      .execute();
    return new Map(rows.map((row) => [row.user_id, row.email]));
  }

  /** Operator's path (bootstrap, CLI, a new workspace's creator): makes the user a member with the role. */
  async add(workspaceId: string, userId: string, role: Role): Promise<void> {
    await this.store.db
      .insertInto('memberships')
      .values({ workspace_id: workspaceId, user_id: userId, role, created_at: nowIso(this.deps.clock) })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
      .execute();
    this.deps.announce({ kind: 'membership', workspaceId, userId });
  }

  /**
   * Invites an email to the workspace. A new account gets the password if one is given (else it
   * chooses one from the emailed link); an existing one is only added. Both answer alike.
   */
  async invite(
    actor: MemberActor,
    workspaceId: string,
    input: { email: string; password?: string | undefined; role: Role },
  ): Promise<Invitation> {
    assertCanGrant(actor.role, input.role);
    const email = normalizeEmail(input.email);
    if (input.password !== undefined) {
      await this.deps.strength.assertStrong(input.password, 'body.password', [email]);
    }
    // Hashed whether or not the account exists, so that the time taken does not tell either.
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const now = this.deps.clock();
    const needsAcceptance = this.deps.invitationsNeedAcceptance;
    const invitedBy = actor.userId ? await this.userById(this.store.db, actor.userId) : undefined;
    const invitation = await this.store.db.transaction().execute(async (trx) => {
      const user = await this.userOfEmail(trx, email, passwordHash, now);
      if (await this.isMember(trx, workspaceId, user.user_id)) {
        throw new AppError('conflict', `${email} is already a member of this workspace`);
      }
      await trx
        .updateTable('invitations')
        .set({ status: 'revoked', answered_at: nowIso(() => now) })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', user.user_id)
        .where('status', '=', 'pending')
        .execute();
      const row = {
        invitation_id: newId('invitation'),
        workspace_id: workspaceId,
        user_id: user.user_id,
        role: input.role,
        invited_by: actor.userId,
        status: needsAcceptance ? 'pending' : 'active',
        created_at: nowIso(() => now),
        expires_at: nowIso(() => now + INVITATION_TTL_MS),
        answered_at: null,
      };
      await trx.insertInto('invitations').values(row).execute();
      if (!needsAcceptance) {
        await trx
          .insertInto('memberships')
          .values({
            workspace_id: workspaceId,
            user_id: user.user_id,
            role: input.role,
            created_at: row.created_at,
          })
          .execute();
      }
      const secret = await accountLinks.create(trx, {
        purpose: 'invitation',
        userId: user.user_id,
        invitationId: row.invitation_id,
        ttlMs: INVITATION_TTL_MS,
        now,
      });
      return { row, secret, needsPassword: user.password_hash === null };
    });
    const workspace = await workspaceById(this.store, workspaceId);
    this.deps.mail.invitation({
      to: email,
      workspaceName: workspace?.name ?? workspaceId,
      role: input.role,
      invitedBy: invitedBy?.email ?? null,
      needsPassword: invitation.needsPassword,
      needsAcceptance,
      secret: invitation.secret,
      expiresAt: invitation.row.expires_at,
    });
    return invitationOf(invitation.row, email, invitedBy ?? null, now);
  }

  /** The workspace's invitations still waiting for an answer. */
  async pendingInvitations(workspaceId: string): Promise<Invitation[]> {
    const now = this.deps.clock();
    const rows = await this.store.db
      .selectFrom('invitations')
      .innerJoin('users as invitee', 'invitee.user_id', 'invitations.user_id')
      .leftJoin('users as inviter', 'inviter.user_id', 'invitations.invited_by')
      .selectAll('invitations')
      .select(['invitee.email as email', 'inviter.email as inviter_email'])
      .where('invitations.workspace_id', '=', workspaceId)
      .where('invitations.status', '=', 'pending')
      .where(
        'invitations.expires_at',
        '>',
        nowIso(() => now),
      )
      .orderBy('invitations.invitation_id')
      .execute();
    return rows.map((r) =>
      invitationOf(
        r,
        r.email,
        r.invited_by && r.inviter_email ? { user_id: r.invited_by, email: r.inviter_email } : null,
        now,
      ),
    );
  }

  async revokeInvitation(workspaceId: string, invitationId: string): Promise<void> {
    const now = nowIso(this.deps.clock);
    const result = await this.store.db
      .updateTable('invitations')
      .set({ status: 'revoked', answered_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('invitation_id', '=', invitationId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError('not_found', `Invitation ${invitationId} not found`);
  }

  /** The signed-in user's own invitations waiting for an answer, in other workspaces. */
  async invitationsOfUser(userId: string) {
    const rows = await this.store.db
      .selectFrom('invitations')
      .innerJoin('workspaces', 'workspaces.workspace_id', 'invitations.workspace_id')
      .leftJoin('users as inviter', 'inviter.user_id', 'invitations.invited_by')
      .select([
        'invitations.invitation_id',
        'invitations.role',
        'workspaces.workspace_id',
        'workspaces.name',
        'inviter.email as inviter_email',
      ])
      .where('invitations.user_id', '=', userId)
      .where('invitations.status', '=', 'pending')
      .where('invitations.expires_at', '>', nowIso(this.deps.clock))
      .orderBy('invitations.invitation_id')
      .execute();
    return rows.map((r) => ({
      id: r.invitation_id,
      workspace: { id: r.workspace_id, name: r.name },
      role: RoleSchema.parse(r.role),
      invitedBy: r.inviter_email,
    }));
  }

  /** Accepts or declines one of the user's own pending invitations. */
  async answerInvitation(userId: string, invitationId: string, accept: boolean): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const invitation = await this.pendingInvitation(trx, invitationId);
      if (!invitation || invitation.user_id !== userId) {
        throw new AppError('not_found', `Invitation ${invitationId} not found`);
      }
      await this.answer(trx, invitation, accept);
    });
  }

  /** What an emailed invitation link leads to, for whoever holds it. */
  async invitationOfLink(secret: string) {
    const found = await this.linkedInvitation(this.store.db, secret);
    const workspace = await workspaceById(this.store, found.invitation.workspace_id);
    return {
      workspace: { id: found.invitation.workspace_id, name: workspace?.name ?? '' },
      email: found.user.email,
      role: RoleSchema.parse(found.invitation.role),
      needsPassword: found.user.password_hash === null,
    };
  }

  /**
   * Accepts an invitation by its emailed link (which proves the mailbox). An account without a
   * password must choose one here. Answers the account's email, to sign in with.
   */
  async acceptByLink(secret: string, password: string | undefined): Promise<{ email: string }> {
    const preview = await this.linkedInvitation(this.store.db, secret);
    let passwordHash: string | null = null;
    if (preview.user.password_hash === null) {
      if (password === undefined) {
        throw new AppError('validation_failed', 'Choose a password to accept this invitation', {
          details: [{ path: 'body.password', message: 'is required for an account without a password' }],
        });
      }
      await this.deps.strength.assertStrong(password, 'body.password', [preview.user.email]);
      passwordHash = await hashPassword(password);
    }
    const now = this.deps.clock();
    await this.store.db.transaction().execute(async (trx) => {
      const found = await this.linkedInvitation(trx, secret);
      if (!(await accountLinks.use(trx, 'invitation', secret, now))) throw linkGone();
      if (passwordHash !== null && found.user.password_hash === null) {
        await trx
          .updateTable('users')
          .set({ password_hash: passwordHash })
          .where('user_id', '=', found.user.user_id)
          .execute();
      }
      if (found.invitation.status === 'pending') await this.answer(trx, found.invitation, true);
    });
    return { email: preview.user.email };
  }

  /** Changes a member's role, within the role order; the last owner stays owner. */
  async changeRole(actor: MemberActor, workspaceId: string, userId: string, role: Role): Promise<Member> {
    await this.store.db.transaction().execute(async (trx) => {
      const current = await this.memberRole(trx, workspaceId, userId);
      assertMayManage(actor, current, userId);
      assertCanGrant(actor.role, role);
      if (current === 'owner' && role !== 'owner') await this.assertAnotherOwner(trx, workspaceId, 'demoted');
      await trx
        .updateTable('memberships')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
    });
    this.deps.announce({ kind: 'membership', workspaceId, userId });
    const member = (await this.list(workspaceId)).find((m) => m.id === userId);
    if (!member) throw new AppError('not_found', `Member ${userId} not found`);
    return member;
  }

  /**
   * Removes a member (anyone may leave; removing others needs `members:manage` and the role
   * order); their sessions in the workspace end and their tokens there are revoked. With
   * `handOverTo` (another current member) the listeners hand what they held to that member.
   */
  async remove(
    actor: MemberActor,
    workspaceId: string,
    userId: string,
    options: { handOverTo?: string | undefined } = {},
  ): Promise<void> {
    const leaving = actor.userId === userId;
    if (!leaving && !roleAllows(actor.role, 'members:manage')) {
      throw new AppError('forbidden', `Role ${actor.role} lacks permission members:manage`);
    }
    const handOverTo = options.handOverTo ?? null;
    await this.store.db.transaction().execute(async (trx) => {
      const current = await this.memberRole(trx, workspaceId, userId);
      if (!leaving) assertMayManage(actor, current, userId);
      if (handOverTo !== null) await this.assertMayTakeOver(workspaceId, userId, handOverTo, trx);
      if (current === 'owner') await this.assertAnotherOwner(trx, workspaceId, 'removed');
      await trx
        .deleteFrom('memberships')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      // Someone who leaves stays signed in to another of their workspaces, if they have one.
      const elsewhere = leaving
        ? await trx
            .selectFrom('memberships')
            .select('workspace_id')
            .where('user_id', '=', userId)
            .orderBy('workspace_id')
            .executeTakeFirst()
        : undefined;
      const sessions = trx
        .updateTable('sessions')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId);
      if (elsewhere) await sessions.set({ workspace_id: elsewhere.workspace_id }).execute();
      else
        await trx
          .deleteFrom('sessions')
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .execute();
    });
    await this.deps.tokens.revokeAllOf(workspaceId, userId);
    this.deps.announce({ kind: 'membership', workspaceId, userId });
    const removal = { workspaceId, userId, actorId: actor.userId, handOverTo };
    for (const listener of this.removedListeners) await listener(removal);
  }

  /**
   * Whoever takes over the records of `userId` (leaving, or gone already) must be another current
   * member of the workspace; throws `unprocessable` naming `handOverTo`.
   */
  async assertMayTakeOver(
    workspaceId: string,
    userId: string,
    handOverTo: string,
    db: Kysely<Database> = this.store.db,
  ): Promise<void> {
    let problem: string | undefined;
    if (handOverTo === userId) problem = 'name another member than the one leaving';
    else if (!(await this.isMember(db, workspaceId, handOverTo)))
      problem = `${handOverTo} is not a member of this workspace`;
    if (problem === undefined) return;
    // Unprocessable (422) like other "not a member" refusals (a deal's owner, a ticket's assignee).
    throw new AppError('unprocessable', `Invalid handOverTo: ${problem}`, {
      details: [{ path: 'handOverTo', message: problem }],
    });
  }

  private async answer(
    trx: Kysely<Database>,
    invitation: { invitation_id: string; workspace_id: string; user_id: string; role: string },
    accept: boolean,
  ): Promise<void> {
    const now = nowIso(this.deps.clock);
    await trx
      .updateTable('invitations')
      .set({ status: accept ? 'accepted' : 'declined', answered_at: now })
      .where('invitation_id', '=', invitation.invitation_id)
      .execute();
    if (!accept) return;
    await trx
      .insertInto('memberships')
      .values({
        workspace_id: invitation.workspace_id,
        user_id: invitation.user_id,
        role: invitation.role,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
  }

  private async linkedInvitation(db: Kysely<Database>, secret: string) {
    const link = await accountLinks.find(db, 'invitation', secret, this.deps.clock());
    if (!link?.invitationId) throw linkGone();
    const invitation = await db
      .selectFrom('invitations')
      .selectAll()
      .where('invitation_id', '=', link.invitationId)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst();
    const user = await db
      .selectFrom('users')
      .select(['user_id', 'email', 'password_hash'])
      .where('user_id', '=', link.userId)
      .executeTakeFirst();
    if (!invitation || !user) throw linkGone();
    return { invitation, user };
  }

  private async pendingInvitation(db: Kysely<Database>, invitationId: string) {
    return db
      .selectFrom('invitations')
      .selectAll()
      .where('invitation_id', '=', invitationId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', nowIso(this.deps.clock))
      .executeTakeFirst();
  }

  private async userOfEmail(db: Kysely<Database>, email: string, passwordHash: string | null, now: number) {
    const existing = await db
      .selectFrom('users')
      .select(['user_id', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) return existing;
    const user = {
      user_id: newId('user'),
      email,
      password_hash: passwordHash,
      created_at: nowIso(() => now),
    };
    await db.insertInto('users').values(user).execute();
    return user;
  }

  private async userById(db: Kysely<Database>, userId: string) {
    return db
      .selectFrom('users')
      .select(['user_id', 'email'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  private async isMember(db: Kysely<Database>, workspaceId: string, userId: string): Promise<boolean> {
    const row = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  private async memberRole(db: Kysely<Database>, workspaceId: string, userId: string): Promise<Role> {
    const row = await db
      .selectFrom('memberships')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Member ${userId} not found`);
    return RoleSchema.parse(row.role);
  }

  // The owners are locked until the change commits, so two owners demoting each other at once
  // cannot leave the workspace with none.
  private async assertAnotherOwner(db: Kysely<Database>, workspaceId: string, change: string): Promise<void> {
    const owners = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .$call(lockedForUpdate(this.store.kind))
      .execute();
    if (owners.length <= 1) {
      throw new AppError(
        'conflict',
        `The last owner of a workspace cannot be ${change}: make another member owner first`,
      );
    }
  }
}

function assertCanGrant(granter: Role, role: Role): void {
  if (!roleCanGrant(granter, role))
    throw new AppError('forbidden', `A ${granter} cannot grant the ${role} role`);
}

function assertMayManage(actor: MemberActor, target: Role, targetUserId: string): void {
  if (roleOutranks(target, actor.role)) {
    throw new AppError('forbidden', `A ${actor.role} cannot change or remove an ${target} (${targetUserId})`);
  }
}

function linkGone(): AppError {
  return new AppError(
    'not_found',
    'This invitation link is not valid any more: it was used, revoked or expired',
  );
}

function invitationOf(
  row: {
    invitation_id: string;
    role: string;
    status: string;
    created_at: string;
    expires_at: string;
  },
  email: string,
  invitedBy: { user_id: string; email: string } | null,
  now: number,
): Invitation {
  const status = row.status === 'pending' && Date.parse(row.expires_at) <= now ? 'expired' : row.status;
  return {
    id: row.invitation_id,
    email,
    role: RoleSchema.parse(row.role),
    status: InvitationSchema.shape.status.parse(status),
    invitedBy: invitedBy ? { id: invitedBy.user_id, email: invitedBy.email } : null,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
