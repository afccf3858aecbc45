import {
  type AssignmentResult,
  type AssignmentRule,
  type CreateTeam,
  CreateTeamSchema,
  type Team,
  type UpdateTeam,
  UpdateTeamSchema,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError, Readers, type ReadersOf } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import { type Database, fromJson, nowIso, type Store, toJson } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import { crmSettingsOf } from '../crm-settings.js';
import { type PeopleService, personRecordOf } from '../people/index.js';

/** Stages of a person still being worked as a lead: what a member's capacity counts. */
const OPEN_LEAD_STAGES = ['subscriber', 'lead', 'mql', 'sql'];

/**
 * Teams and lead assignment: round robin over the members (skipping those away or at
 * capacity), or the first matching rule first. Each assignment changes the person's owner like
 * an edit would (`Owner Changed`, audited with Tandem as the actor unless someone asked).
 */
export class TeamsService {
  /** Mailboxes, SLA policies and unsolved tickets that name a team (registered by the engine). */
  private readonly readers = new Readers();

  constructor(
    private readonly store: Store,
    private readonly deps: { identity: IdentityService; people: PeopleService; wake: () => void },
  ) {
    this.readers.add(async (workspaceId, teamId) =>
      (await crmSettingsOf(this.store.db, workspaceId)).assignNewLeadsTo === teamId
        ? ['the "New leads" setting']
        : [],
    );
  }

  /** Others that name a team keep it: its mail and tickets would go to no team. */
  onReaders(readersOf: ReadersOf): void {
    this.readers.add(readersOf);
  }

  async list(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<Team[]> {
    const [teams, members] = await Promise.all([
      db
        .selectFrom('crm_teams')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .execute(),
      db
        .selectFrom('crm_team_members')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('position')
        .execute(),
    ]);
    return teams.map((team) => ({
      id: team.team_id,
      name: team.name,
      strategy: team.strategy === 'rule' ? 'rule' : 'round_robin',
      members: members
        .filter((m) => m.team_id === team.team_id)
        .map((m) => ({ userId: m.user_id, away: m.away === 1, capacity: m.capacity })),
      rules: fromJson<AssignmentRule[]>(team.rules),
      createdAt: team.created_at,
      updatedAt: team.updated_at,
    }));
  }

  async get(workspaceId: string, teamId: string, db: Kysely<Database> = this.store.db): Promise<Team> {
    const team = (await this.list(workspaceId, db)).find((t) => t.id === teamId);
    if (!team) throw new AppError('not_found', `Team ${teamId} not found`);
    return team;
  }

  async create(workspaceId: string, input: CreateTeam, actorId: string | null): Promise<Team> {
    const team = CreateTeamSchema.parse(input);
    const teamId = newId('team');
    const now = nowIso();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('crm_teams')
        .values({
          workspace_id: workspaceId,
          team_id: teamId,
          name: team.name,
          strategy: team.strategy,
          rules: toJson(team.rules),
          next_position: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.setMembers(trx, workspaceId, teamId, team.members);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'team',
          entityId: teamId,
          action: 'create',
          after: team,
          at: now,
        },
      ]);
    });
    return this.get(workspaceId, teamId);
  }

  async update(
    workspaceId: string,
    teamId: string,
    input: UpdateTeam,
    actorId: string | null,
  ): Promise<Team> {
    const patch = UpdateTeamSchema.parse(input);
    await this.store.db.transaction().execute(async (trx) => {
      const before = await this.get(workspaceId, teamId, trx);
      const now = nowIso();
      await trx
        .updateTable('crm_teams')
        .set({
          name: patch.name ?? before.name,
          strategy: patch.strategy ?? before.strategy,
          rules: toJson(patch.rules ?? before.rules),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .execute();
      if (patch.members) await this.setMembers(trx, workspaceId, teamId, patch.members);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'team',
          entityId: teamId,
          action: 'update',
          before,
          after: patch,
          at: now,
        },
      ]);
    });
    return this.get(workspaceId, teamId);
  }

  /**
   * Someone left the workspace: they leave every team, and rules naming them go, so no new lead or
   * ticket is handed to them. What they own keeps its owner. Audited with Tandem as the actor.
   */
  async forgetUser(workspaceId: string, userId: string): Promise<void> {
    for (const team of await this.list(workspaceId)) {
      const members = team.members.filter((m) => m.userId !== userId);
      const rules = team.rules.filter((r) => r.userId !== userId);
      if (members.length === team.members.length && rules.length === team.rules.length) continue;
      await this.update(workspaceId, team.id, { members, rules }, null);
    }
  }

  /** Deletes a team nothing names (409 naming what does otherwise) and its memberships. */
  async delete(workspaceId: string, teamId: string, actorId: string | null): Promise<void> {
    const team = await this.get(workspaceId, teamId);
    await this.readers.refuseDeletingWhileUsed(workspaceId, teamId, `The team "${team.name}"`);
    await this.store.db.transaction().execute(async (trx) => {
      const before = await this.get(workspaceId, teamId, trx);
      await trx
        .deleteFrom('crm_team_members')
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .execute();
      await trx
        .deleteFrom('crm_teams')
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'team',
          entityId: teamId,
          action: 'delete',
          before,
          at: nowIso(),
        },
      ]);
    });
  }

  private async setMembers(
    trx: Kysely<Database>,
    workspaceId: string,
    teamId: string,
    members: readonly { userId: string; away: boolean; capacity: number | null }[],
  ) {
    await trx
      .deleteFrom('crm_team_members')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', teamId)
      .execute();
    const unique = [...new Map(members.map((m) => [m.userId, m])).values()];
    if (unique.length === 0) return;
    await trx
      .insertInto('crm_team_members')
      .values(
        unique.map((m, position) => ({
          workspace_id: workspaceId,
          team_id: teamId,
          user_id: m.userId,
          position,
          away: m.away ? 1 : 0,
          capacity: m.capacity,
        })),
      )
      .execute();
  }

  /** Assigns each person an owner from the team (one transaction, in the order given). */
  async assign(
    workspaceId: string,
    teamId: string,
    profileIds: readonly string[],
    actorId: string | null,
  ): Promise<AssignmentResult> {
    const assignments = await this.store.db.transaction().execute(async (trx) => {
      const team = await this.get(workspaceId, teamId, trx);
      const row = await trx
        .selectFrom('crm_teams')
        .select('next_position')
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .executeTakeFirstOrThrow();
      let next = row.next_position;
      const result: AssignmentResult['assignments'] = [];
      for (const profileId of profileIds) {
        const liveId = await this.deps.identity.resolveProfileId(workspaceId, profileId, trx);
        if (liveId === undefined) throw new AppError('not_found', `Person ${profileId} not found`);
        const ruled =
          team.strategy === 'rule' ? await this.byRule(trx, workspaceId, liveId, team.rules) : null;
        let ownerId: string | null = ruled;
        let reason: AssignmentResult['assignments'][number]['reason'] = ruled ? 'rule' : 'nobody_available';
        if (ownerId === null) {
          const open = await this.openLeadsOf(
            trx,
            workspaceId,
            team.members.map((m) => m.userId),
          );
          for (let tried = 0; tried < team.members.length; tried++) {
            const member = team.members[(next + tried) % team.members.length];
            if (!member || member.away) continue;
            if (member.capacity !== null && (open.get(member.userId) ?? 0) >= member.capacity) continue;
            ownerId = member.userId;
            reason = 'round_robin';
            next = (next + tried + 1) % team.members.length;
            break;
          }
        }
        if (ownerId !== null) {
          await this.deps.people.updateWithin(trx, {
            workspaceId,
            profileId: liveId,
            patch: { ownerId },
            actorId,
          });
          await recordCrmAudit(trx, [
            {
              workspaceId,
              actorId,
              entityType: 'team',
              entityId: teamId,
              action: 'assign',
              profileId: liveId,
              after: { ownerId, reason },
              at: nowIso(),
            },
          ]);
        }
        result.push({ profileId: liveId, ownerId, reason });
      }
      await trx
        .updateTable('crm_teams')
        .set({ next_position: next })
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .execute();
      return result;
    });
    this.deps.wake();
    return { assignments };
  }

  /**
   * Who in a team takes a piece of work about a person: with the `rule` strategy the user of the
   * first rule the person matches; else (or when none matches) the next member of the round
   * robin who is not away and under their capacity, as `loadOf` counts it (the service desk
   * counts open tickets, not leads), advancing the rotation in the caller's transaction. Null
   * when nobody is available or the team is unknown.
   */
  async nextMember(
    trx: Kysely<Database>,
    input: {
      workspaceId: string;
      teamId: string;
      profileId: string;
      loadOf: (userIds: readonly string[]) => Promise<ReadonlyMap<string, number>>;
    },
  ): Promise<{ userId: string; reason: 'rule' | 'round_robin' } | null> {
    const { workspaceId, teamId, loadOf } = input;
    const team = (await this.list(workspaceId, trx)).find((t) => t.id === teamId);
    if (!team) return null;
    if (team.strategy === 'rule') {
      const ruled = await this.byRule(trx, workspaceId, input.profileId, team.rules);
      if (ruled) return { userId: ruled, reason: 'rule' };
    }
    if (team.members.length === 0) return null;
    const row = await trx
      .selectFrom('crm_teams')
      .select('next_position')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', teamId)
      .executeTakeFirstOrThrow();
    const load = await loadOf(team.members.map((m) => m.userId));
    for (let tried = 0; tried < team.members.length; tried++) {
      const member = team.members[(row.next_position + tried) % team.members.length];
      if (!member || member.away) continue;
      if (member.capacity !== null && (load.get(member.userId) ?? 0) >= member.capacity) continue;
      await trx
        .updateTable('crm_teams')
        .set({ next_position: (row.next_position + tried + 1) % team.members.length })
        .where('workspace_id', '=', workspaceId)
        .where('team_id', '=', teamId)
        .execute();
      return { userId: member.userId, reason: 'round_robin' };
    }
    return null;
  }

  /** A person created without an owner: the team of the workspace's setting assigns one, if set. */
  async assignNewLead(workspaceId: string, profileId: string): Promise<void> {
    const teamId = (await crmSettingsOf(this.store.db, workspaceId)).assignNewLeadsTo;
    if (teamId === null) return;
    const exists = (await this.list(workspaceId)).some((team) => team.id === teamId);
    if (exists) await this.assign(workspaceId, teamId, [profileId], null);
  }

  /** The user of the first rule the person matches, if any. */
  private async byRule(
    trx: Kysely<Database>,
    workspaceId: string,
    liveId: string,
    rules: readonly AssignmentRule[],
  ) {
    if (rules.length === 0) return null;
    const { record } = await personRecordOf(trx, this.deps.identity, workspaceId, liveId);
    const emails = ((await this.deps.identity.identitiesOf(workspaceId, [liveId], trx)).get(liveId) ?? [])
      .filter((i) => i.type === 'email')
      .map((i) => i.value.split('@')[1] ?? '');
    for (const rule of rules) {
      const matches =
        (rule.when === 'lifecycleStage' && record.lifecycleStage === rule.equals) ||
        (rule.when === 'leadStatus' && record.leadStatus === rule.equals) ||
        (rule.when === 'tag' && record.tags.includes(rule.equals)) ||
        (rule.when === 'emailDomain' && emails.includes(rule.equals.toLowerCase()));
      if (matches) return rule.userId;
    }
    return null;
  }

  /** How many open leads each user owns (what capacity counts). */
  private async openLeadsOf(trx: Kysely<Database>, workspaceId: string, userIds: readonly string[]) {
    if (userIds.length === 0) return new Map<string, number>();
    const rows = await trx
      .selectFrom('crm_people')
      .select(['owner_id', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', 'in', userIds)
      .where((eb) =>
        eb.or([eb('lifecycle_stage', 'is', null), eb('lifecycle_stage', 'in', OPEN_LEAD_STAGES)]),
      )
      .groupBy('owner_id')
      .execute();
    return new Map(rows.map((row) => [row.owner_id ?? '', Number(row.count)]));
  }
}
