import type {
  BusinessCalendarPatch,
  BusinessCalendarView,
  NewBusinessCalendar,
  NewSlaPolicy,
  SlaPolicyPatch,
  SlaPolicyView,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import {
  type BusinessCalendarsTable,
  type Database,
  fromJson,
  nowIso,
  type SlaPoliciesTable,
  type Store,
  toJson,
  writeTransaction,
} from '../../store/index.js';
import { type BusinessCalendar, calendarProblems } from './business-calendar.js';
import type { SlaPolicy } from './sla-policy.js';

/**
 * Business calendars and SLA policies of a workspace. Policies are kept in a dense order
 * (positions 0, 1, 2 …): the first enabled one whose conditions hold applies to a ticket.
 */
export class SlaSettings {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  async listCalendars(workspaceId: string): Promise<BusinessCalendarView[]> {
    const rows = await this.store.db
      .selectFrom('business_calendars')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .orderBy('calendar_id')
      .execute();
    return rows.map(calendarViewOf);
  }

  /** Throws `not_found`. */
  async getCalendar(workspaceId: string, calendarId: string): Promise<BusinessCalendarView> {
    const row = await calendarRowOf(this.store.db, workspaceId, calendarId);
    if (!row) throw calendarNotFound(calendarId);
    return calendarViewOf(row);
  }

  /** The calendar as the clock reads it, or null when it does not exist. */
  async calendarFor(
    workspaceId: string,
    calendarId: string,
    db: Kysely<Database> = this.store.db,
  ): Promise<BusinessCalendar | null> {
    const row = await calendarRowOf(db, workspaceId, calendarId);
    return row ? calendarViewOf(row) : null;
  }

  /** Throws `validation_failed` naming the field (unknown time zone, overlapping blocks …). */
  async createCalendar(workspaceId: string, input: NewBusinessCalendar): Promise<BusinessCalendarView> {
    checkCalendar(input);
    const now = nowIso(this.clock);
    const row: BusinessCalendarsTable = {
      workspace_id: workspaceId,
      calendar_id: newId('businessCalendar'),
      name: input.name,
      time_zone: input.timeZone,
      weekly: toJson(input.weekly),
      holidays: toJson([...new Set(input.holidays)].sort()),
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('business_calendars').values(row).execute();
    return calendarViewOf(row);
  }

  /** Throws `not_found` or `validation_failed`. Clocks already computed keep their due times until their ticket changes. */
  async updateCalendar(
    workspaceId: string,
    calendarId: string,
    patch: BusinessCalendarPatch,
  ): Promise<BusinessCalendarView> {
    const current = await this.getCalendar(workspaceId, calendarId);
    const next = { ...current, ...definedOf(patch) };
    checkCalendar(next);
    const updatedAt = nowIso(this.clock);
    await this.store.db
      .updateTable('business_calendars')
      .set({
        name: next.name,
        time_zone: next.timeZone,
        weekly: toJson(next.weekly),
        holidays: toJson([...new Set(next.holidays)].sort()),
        updated_at: updatedAt,
      })
      .where('workspace_id', '=', workspaceId)
      .where('calendar_id', '=', calendarId)
      .execute();
    return this.getCalendar(workspaceId, calendarId);
  }

  /** Throws `not_found`, or `conflict` while a policy uses the calendar. */
  async deleteCalendar(workspaceId: string, calendarId: string): Promise<void> {
    await this.getCalendar(workspaceId, calendarId);
    const user = await this.store.db
      .selectFrom('sla_policies')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where('calendar_id', '=', calendarId)
      .executeTakeFirst();
    if (user) throw new AppError('conflict', `Calendar ${calendarId} is used by SLA policy "${user.name}"`);
    await this.store.db
      .deleteFrom('business_calendars')
      .where('workspace_id', '=', workspaceId)
      .where('calendar_id', '=', calendarId)
      .execute();
  }

  /** Every policy, in the order they are tried. */
  async listPolicies(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<SlaPolicyView[]> {
    const rows = await db
      .selectFrom('sla_policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('position')
      .orderBy('policy_id')
      .execute();
    return rows.map(policyViewOf);
  }

  /** The policies with a condition naming this team, as `SLA policy "VIP"`. */
  async readersOfTeam(workspaceId: string, teamId: string): Promise<string[]> {
    const names = (value: unknown) => (Array.isArray(value) ? value : [value]).includes(teamId);
    return (await this.listPolicies(workspaceId))
      .filter((policy) => policy.conditions.some((c) => c.field === 'teamId' && names(c.value)))
      .map((policy) => `SLA policy "${policy.name}"`);
  }

  /** Throws `not_found`. */
  async getPolicy(workspaceId: string, policyId: string): Promise<SlaPolicyView> {
    const row = await this.store.db
      .selectFrom('sla_policies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('policy_id', '=', policyId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `SLA policy ${policyId} not found`);
    return policyViewOf(row);
  }

  /** Placed at `position` (default: last). Throws `validation_failed` for an unknown calendar. */
  async createPolicy(workspaceId: string, input: NewSlaPolicy): Promise<SlaPolicyView> {
    await this.checkCalendarId(workspaceId, input.calendarId);
    const policyId = newId('slaPolicy');
    const now = nowIso(this.clock);
    await writeTransaction(this.store, async (trx) => {
      const ids = (await this.listPolicies(workspaceId, trx)).map((p) => p.id);
      const row: SlaPoliciesTable = {
        workspace_id: workspaceId,
        policy_id: policyId,
        name: input.name,
        position: ids.length,
        enabled: input.enabled ? 1 : 0,
        conditions: toJson(input.conditions),
        hours: input.hours,
        calendar_id: input.calendarId,
        targets: toJson(input.targets),
        at_risk_percent: input.atRiskPercent,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('sla_policies').values(row).execute();
      const at = Math.min(input.position ?? ids.length, ids.length);
      ids.splice(at, 0, policyId);
      await writeOrder(trx, workspaceId, ids);
    });
    return this.getPolicy(workspaceId, policyId);
  }

  /** Throws `not_found` or `validation_failed`. */
  async updatePolicy(workspaceId: string, policyId: string, patch: SlaPolicyPatch): Promise<SlaPolicyView> {
    const current = await this.getPolicy(workspaceId, policyId);
    const next = { ...current, ...definedOf(patch) };
    if (patch.calendarId !== undefined) await this.checkCalendarId(workspaceId, next.calendarId);
    await this.store.db
      .updateTable('sla_policies')
      .set({
        name: next.name,
        enabled: next.enabled ? 1 : 0,
        conditions: toJson(next.conditions),
        hours: next.hours,
        calendar_id: next.calendarId,
        targets: toJson(next.targets),
        at_risk_percent: next.atRiskPercent,
        updated_at: nowIso(this.clock),
      })
      .where('workspace_id', '=', workspaceId)
      .where('policy_id', '=', policyId)
      .execute();
    return this.getPolicy(workspaceId, policyId);
  }

  /** Throws `not_found`. */
  async deletePolicy(workspaceId: string, policyId: string): Promise<void> {
    await this.getPolicy(workspaceId, policyId);
    await writeTransaction(this.store, async (trx) => {
      await trx
        .deleteFrom('sla_policies')
        .where('workspace_id', '=', workspaceId)
        .where('policy_id', '=', policyId)
        .execute();
      await writeOrder(
        trx,
        workspaceId,
        (await this.listPolicies(workspaceId, trx)).map((p) => p.id),
      );
    });
  }

  /** Throws `validation_failed` unless `ids` names every policy of the workspace exactly once. */
  async reorderPolicies(workspaceId: string, ids: readonly string[]): Promise<SlaPolicyView[]> {
    await writeTransaction(this.store, async (trx) => {
      const current = (await this.listPolicies(workspaceId, trx)).map((p) => p.id);
      const same =
        ids.length === current.length &&
        new Set(ids).size === ids.length &&
        ids.every((id) => current.includes(id));
      if (!same) {
        throw new AppError(
          'validation_failed',
          'ids must list every SLA policy of the workspace exactly once',
          {
            details: [{ path: 'ids', message: `expected a permutation of ${current.length} policy ids` }],
          },
        );
      }
      await writeOrder(trx, workspaceId, ids);
    });
    return this.listPolicies(workspaceId);
  }

  /** The enabled policies as the clock matches them. */
  async policiesFor(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<SlaPolicy[]> {
    return (await this.listPolicies(workspaceId, db)).filter((p) => p.enabled).map(policyOf);
  }

  private async checkCalendarId(workspaceId: string, calendarId: string | null): Promise<void> {
    if (calendarId === null) return;
    if (await calendarRowOf(this.store.db, workspaceId, calendarId)) return;
    throw new AppError('validation_failed', `Business calendar ${calendarId} not found`, {
      details: [{ path: 'calendarId', message: 'no business calendar with this id in the workspace' }],
    });
  }
}

async function writeOrder(db: Kysely<Database>, workspaceId: string, ids: readonly string[]) {
  for (const [position, id] of ids.entries()) {
    await db
      .updateTable('sla_policies')
      .set({ position })
      .where('workspace_id', '=', workspaceId)
      .where('policy_id', '=', id)
      .execute();
  }
}

function calendarRowOf(db: Kysely<Database>, workspaceId: string, calendarId: string) {
  return db
    .selectFrom('business_calendars')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('calendar_id', '=', calendarId)
    .executeTakeFirst();
}

function checkCalendar(calendar: BusinessCalendar): void {
  const problems = calendarProblems(calendar);
  if (problems.length === 0) return;
  throw new AppError('validation_failed', `Invalid business calendar: ${problems.join('; ')}`, {
    details: problems.map((problem) => {
      const colon = problem.indexOf(': ');
      return { path: problem.slice(0, colon), message: problem.slice(colon + 2) };
    }),
  });
}

const calendarNotFound = (calendarId: string) =>
  new AppError('not_found', `Business calendar ${calendarId} not found`);

function calendarViewOf(row: BusinessCalendarsTable): BusinessCalendarView {
  return {
    id: row.calendar_id,
    name: row.name,
    timeZone: row.time_zone,
    weekly: fromJson(row.weekly),
    holidays: fromJson(row.holidays),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function policyViewOf(row: SlaPoliciesTable): SlaPolicyView {
  return {
    id: row.policy_id,
    name: row.name,
    position: row.position,
    enabled: row.enabled === 1,
    conditions: fromJson(row.conditions),
    hours: row.hours === 'calendar' ? 'calendar' : 'business',
    calendarId: row.calendar_id,
    targets: fromJson(row.targets),
    atRiskPercent: row.at_risk_percent,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function policyOf(view: SlaPolicyView): SlaPolicy {
  const { createdAt: _created, updatedAt: _updated, ...policy } = view;
  return policy;
}

/** A patch without its absent fields (so they keep their current value). */
function definedOf<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
