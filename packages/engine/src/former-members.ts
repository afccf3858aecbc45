import { type FormerMember, type MemberHoldings, roleAllows } from '@tandem/contract';
import type { MemberActor } from './access/index.js';
import { AppError } from './errors/index.js';
import { handOverHoldings, holdingsOf, type MemberHandOverDeps } from './member-hand-over.js';

// Records still held by people no longer in the workspace (removed without a hand-over, or
// before hand-overs existed), and their hand-over to a current member later.

/**
 * Everyone not a member of the workspace who still holds something a hand-over moves, with
 * their email (null once the account is gone), by email then id.
 */
export async function formerMembersHoldings(
  deps: MemberHandOverDeps,
  workspaceId: string,
): Promise<FormerMember[]> {
  const [members, ...holders] = await Promise.all([
    deps.members.list(workspaceId),
    deps.people.ownerIds(workspaceId),
    deps.companies.ownerIds(workspaceId),
    deps.deals.openOwnerIds(workspaceId),
    deps.tasks.openAssigneeIds(workspaceId),
    deps.sequences.activeOwnerIds(workspaceId),
    deps.tickets.unsolvedAssigneeIds(workspaceId),
  ]);
  const current = new Set(members.map((member) => member.id));
  const former = [...new Set(holders.flat())].filter((userId) => !current.has(userId));
  // An owner id may speak for nothing any more (a person merged into one owned by someone
  // else): the counts, the same as a hand-over's, decide who is listed.
  const counted = await Promise.all(
    former.map(async (userId) => ({ userId, holdings: await holdingsOf(deps, workspaceId, userId) })),
  );
  const emails = await deps.members.emailsOf(former);
  return counted
    .filter(({ holdings }) => Object.values(holdings).some((count) => count > 0))
    .map(({ userId, holdings }) => ({ userId, email: emails.get(userId) ?? null, holdings }))
    .sort(byEmailThenId);
}

/**
 * Hands what a former member still holds to a current member, as a removal's hand-over would,
 * and answers what moved. A current member is removed with a hand-over instead (`conflict`).
 */
export async function handOverFormerMember(
  deps: MemberHandOverDeps,
  actor: MemberActor,
  handOver: { workspaceId: string; userId: string; handOverTo: string },
): Promise<MemberHoldings> {
  const { workspaceId, userId, handOverTo } = handOver;
  if (!roleAllows(actor.role, 'members:manage'))
    throw new AppError('forbidden', `Role ${actor.role} lacks permission members:manage`);
  if ((await deps.members.roleOf(workspaceId, userId)) !== undefined)
    throw new AppError(
      'conflict',
      `${userId} is still a member of this workspace: remove them with a hand-over instead`,
    );
  await deps.members.assertMayTakeOver(workspaceId, userId, handOverTo);
  return handOverHoldings(deps, { workspaceId, from: userId, to: handOverTo, actorId: actor.userId });
}

/** Named ones first, by email; then deleted users; each tie by id. */
function byEmailThenId(a: FormerMember, b: FormerMember): number {
  if (a.email !== b.email) {
    if (a.email === null) return 1;
    if (b.email === null) return -1;
    return a.email < b.email ? -1 : 1;
  }
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}
