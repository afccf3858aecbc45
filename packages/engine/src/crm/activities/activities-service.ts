import {
  type Activity,
  type ActivityKind,
  type CreateActivity,
  CreateActivitySchema,
} from '@tandem/contract';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import type { Database, Store } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvents } from '../crm-events.js';
import { checkIdPrefix, livePersonOf } from '../people/index.js';

/** The event each kind of activity appends about its person. */
export const ACTIVITY_EVENTS: Readonly<Record<ActivityKind, string>> = {
  note: 'Note Added',
  call: 'Call Logged',
  email: 'Email Logged',
  meeting: 'Meeting Logged',
};
/** How much of an activity's body its event carries (the timeline's preview). */
const EVENT_BODY_CHARS = 2000;

export interface ActivitiesDeps {
  readonly identity: IdentityService;
  readonly crmEvents: CrmEvents;
  readonly clock: () => number;
  readonly wake: () => void;
}

/** Notes, calls, emails and meetings logged about a person, a company or a deal. */
export class ActivitiesService {
  constructor(
    private readonly store: Store,
    private readonly deps: ActivitiesDeps,
  ) {}

  async create(workspaceId: string, input: CreateActivity, actorId: string | null): Promise<Activity> {
    const activity = CreateActivitySchema.parse(input);
    checkIdPrefix('companyId', activity.companyId, 'co_');
    checkIdPrefix('dealId', activity.dealId, 'deal_');
    const now = new Date(this.deps.clock()).toISOString();
    const activityId = newId('activity');
    const row = await this.store.db.transaction().execute(async (trx) => {
      const profileId =
        activity.profileId === undefined
          ? null
          : await livePersonOf(trx, this.deps.identity, {
              workspaceId,
              profileId: activity.profileId,
              field: 'profileId',
            });
      const row = {
        workspace_id: workspaceId,
        activity_id: activityId,
        kind: activity.kind,
        profile_id: profileId,
        company_id: activity.companyId ?? null,
        deal_id: activity.dealId ?? null,
        body: activity.body,
        actor_id: actorId,
        occurred_at: activity.occurredAt === undefined ? now : new Date(activity.occurredAt).toISOString(),
        created_at: now,
      };
      await trx.insertInto('crm_activities').values(row).execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'activity',
          entityId: activityId,
          action: 'create',
          profileId,
          after: activityOf(row),
          at: now,
        },
      ]);
      if (profileId !== null) {
        await this.deps.crmEvents.appendWithin(trx, [
          {
            workspaceId,
            profileId,
            event: ACTIVITY_EVENTS[activity.kind],
            properties: {
              activityId,
              kind: activity.kind,
              body: activity.body.slice(0, EVENT_BODY_CHARS),
              companyId: row.company_id,
              dealId: row.deal_id,
            },
            actorId,
            at: row.occurred_at,
            messageId: `activity-${activityId}`,
          },
        ]);
      }
      return row;
    });
    this.deps.wake();
    return activityOf(row);
  }

  async get(workspaceId: string, activityId: string): Promise<Activity> {
    const row = await this.store.db
      .selectFrom('crm_activities')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('activity_id', '=', activityId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Activity ${activityId} not found`);
    return activityOf(row);
  }

  /** A page of the activities of a person (and those merged into them), a company or a deal, newest first. */
  async list(
    workspaceId: string,
    query: {
      profileId?: string | undefined;
      companyId?: string | undefined;
      dealId?: string | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<{ data: Activity[]; nextCursor: string | null }> {
    let select = this.store.db
      .selectFrom('crm_activities')
      .selectAll()
      .where('workspace_id', '=', workspaceId);
    if (query.profileId !== undefined) {
      const liveId = await this.deps.identity.resolveProfileId(workspaceId, query.profileId);
      const ids =
        liveId === undefined ? [query.profileId] : await this.deps.identity.mergedIdsOf(workspaceId, liveId);
      select = select.where('profile_id', 'in', ids);
    }
    if (query.companyId !== undefined) select = select.where('company_id', '=', query.companyId);
    if (query.dealId !== undefined) select = select.where('deal_id', '=', query.dealId);
    if (query.cursor !== undefined) {
      const [occurredAt = '', activityId = ''] = query.cursor.split('|');
      select = select.where((eb) =>
        eb.or([
          eb('occurred_at', '<', occurredAt),
          eb.and([eb('occurred_at', '=', occurredAt), eb('activity_id', '<', activityId)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('occurred_at', 'desc')
      .orderBy('activity_id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map(activityOf),
      nextCursor: rows.length > query.limit && last ? `${last.occurred_at}|${last.activity_id}` : null,
    };
  }
}

function activityOf(row: Database['crm_activities']): Activity {
  return {
    id: row.activity_id,
    kind: row.kind as ActivityKind, // written from the contract's enum
    profileId: row.profile_id,
    companyId: row.company_id,
    dealId: row.deal_id,
    body: row.body,
    actorId: row.actor_id,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
  };
}
