import type { MemberHoldings } from '@tandem/contract';
import type { MemberRemoval, Members } from './access/index.js';
import type { AuditLogService } from './audit-log/index.js';
import type { CompaniesService, DealsService, PeopleService, TasksService } from './crm/index.js';
import { AppError } from './errors/index.js';
import type { SequencesService } from './sequences/index.js';
import type { TicketsService } from './service-desk/tickets/index.js';

// What a member holds across the CRM, sequences and the service desk, and its hand-over to
// another member when they leave (or later: former-members.ts). Each domain moves its own
// records; this only asks them in turn.

export interface MemberHandOverDeps {
  readonly members: Members;
  readonly people: PeopleService;
  readonly companies: CompaniesService;
  readonly deals: DealsService;
  readonly tasks: TasksService;
  readonly sequences: SequencesService;
  readonly tickets: TicketsService;
  readonly auditLog: AuditLogService;
  readonly clock: () => number;
}

/** One user's records handed to a current member, and who chose it (null: a token without a user). */
export interface HandOver {
  readonly workspaceId: string;
  readonly from: string;
  readonly to: string;
  readonly actorId: string | null;
}

/** What a current member holds, that another could take over. Throws `not_found` for a non-member. */
export async function memberHoldings(
  deps: MemberHandOverDeps,
  workspaceId: string,
  userId: string,
): Promise<MemberHoldings> {
  if ((await deps.members.roleOf(workspaceId, userId)) === undefined)
    throw new AppError('not_found', `Member ${userId} not found`);
  return holdingsOf(deps, workspaceId, userId);
}

/** What `userId` holds here, member or not: the records a hand-over would move. */
export async function holdingsOf(
  deps: MemberHandOverDeps,
  workspaceId: string,
  userId: string,
): Promise<MemberHoldings> {
  const [people, companies, openDeals, openTasks, activeEnrollments, unsolvedTickets] = await Promise.all([
    deps.people.ownedCount(workspaceId, userId),
    deps.companies.ownedCount(workspaceId, userId),
    deps.deals.openOwnedCount(workspaceId, userId),
    deps.tasks.openAssignedCount(workspaceId, userId),
    deps.sequences.activeOwnedCount(workspaceId, userId),
    deps.tickets.unsolvedAssignedCount(workspaceId, userId),
  ]);
  return { people, companies, openDeals, openTasks, activeEnrollments, unsolvedTickets };
}

/**
 * After a member left: without anyone named, their unsolved tickets become unassigned and the
 * rest keeps them as owner. With `handOverTo`, that member takes over all they hold.
 */
export async function afterMemberRemoved(deps: MemberHandOverDeps, removal: MemberRemoval): Promise<void> {
  const { workspaceId, userId: from, handOverTo: to, actorId } = removal;
  if (to === null) await deps.tickets.reassignUser(workspaceId, from, null);
  else await handOverHoldings(deps, { workspaceId, from, to, actorId });
}

/**
 * `to` takes over the people and companies `from` owns, their open deals and tasks, active
 * enrollments and unsolved tickets (a removal's hand-over, or a former member's later); the
 * audit log says how many. Answers what moved.
 */
export async function handOverHoldings(
  deps: MemberHandOverDeps,
  handOver: HandOver,
): Promise<MemberHoldings> {
  const { workspaceId, from, to, actorId } = handOver;
  // Records' trails name who chose the hand-over (the tickets' timeline names Tandem, as for any leaver).
  const moved: MemberHoldings = {
    people: await deps.people.handOver(workspaceId, handOver),
    companies: await deps.companies.handOver(workspaceId, handOver),
    openDeals: await deps.deals.handOver(workspaceId, handOver),
    openTasks: await deps.tasks.handOver(workspaceId, handOver),
    activeEnrollments: await deps.sequences.handOver(workspaceId, handOver),
    unsolvedTickets: await deps.tickets.reassignUser(workspaceId, from, to),
  };
  deps.auditLog.record({
    workspaceId,
    at: new Date(deps.clock()).toISOString(),
    actor: actorId === null ? { kind: 'system', id: 'members' } : { kind: 'user', id: actorId },
    action: 'write',
    method: 'HAND_OVER',
    route: 'members/hand-over',
    status: 200,
    profileId: null,
    entityIds: { userId: from, handOverTo: to },
    after: { handOverTo: to, ...moved },
  });
  return moved;
}
