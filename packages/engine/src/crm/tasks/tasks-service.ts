import {
  type CreateTask,
  CreateTaskSchema,
  type Task,
  type TaskListQuery,
  type UpdateTask,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import type { Database, Store } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvent, CrmEvents } from '../crm-events.js';
import { checkIdPrefix, livePersonOf } from '../people/index.js';
import { taskOf } from './task-rows.js';

export interface TasksDeps {
  readonly identity: IdentityService;
  readonly crmEvents: CrmEvents;
  readonly clock: () => number;
  /** How people are named in task lists (their name or email), by profile id. */
  readonly namesOf?: (workspaceId: string, profileIds: readonly string[]) => Promise<Map<string, string>>;
}

/** Who asks for a list of tasks ("me" means them). */
export interface TaskReader {
  readonly actorId: string | null;
}

/** Tasks: to-dos with an assignee, a due date, a reminder and a priority, about a person or deal. */
export class TasksService {
  constructor(
    private readonly store: Store,
    private readonly deps: TasksDeps,
  ) {}

  private now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  async create(workspaceId: string, input: CreateTask, actorId: string | null): Promise<Task> {
    const task = CreateTaskSchema.parse(input);
    checkIdPrefix('companyId', task.companyId, 'co_');
    checkIdPrefix('dealId', task.dealId, 'deal_');
    const now = this.now();
    const taskId = newId('task');
    await this.store.db.transaction().execute(async (trx) => {
      const profileId =
        task.profileId === undefined || task.profileId === null
          ? null
          : await livePersonOf(trx, this.deps.identity, {
              workspaceId,
              profileId: task.profileId,
              field: 'profileId',
            });
      const row = {
        workspace_id: workspaceId,
        task_id: taskId,
        title: task.title,
        notes: task.notes,
        status: 'open',
        priority: task.priority,
        due_at: new Date(task.dueAt).toISOString(),
        reminder_at: task.reminderAt ? new Date(task.reminderAt).toISOString() : null,
        // A task without an assignee is the creator's.
        assignee_id: task.assigneeId === undefined ? actorId : task.assigneeId,
        profile_id: profileId,
        company_id: task.companyId ?? null,
        deal_id: task.dealId ?? null,
        created_by: actorId,
        completed_at: null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('crm_tasks').values(row).execute();
      const created = taskOf(row, now);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'task',
          entityId: taskId,
          action: 'create',
          profileId,
          after: created,
          at: now,
        },
      ]);
      if (profileId !== null) {
        await this.deps.crmEvents.appendWithin(trx, [
          taskEvent('Task Created', created, {
            workspaceId,
            profileId,
            actorId,
            at: now,
            messageId: `task-created-${taskId}`,
          }),
        ]);
      }
    });
    return this.get(workspaceId, taskId);
  }

  async get(workspaceId: string, taskId: string, db: Kysely<Database> = this.store.db): Promise<Task> {
    const row = await db
      .selectFrom('crm_tasks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Task ${taskId} not found`);
    // Inside a write's transaction names are not read: other reads would wait for it to end.
    if (db !== this.store.db) return taskOf(row, this.now());
    return (await this.named(workspaceId, [row]))[0] ?? taskOf(row, this.now());
  }

  /** Edits a task; `status: "done"` completes it (`Task Completed`), `"open"` reopens it. */
  async update(
    workspaceId: string,
    taskId: string,
    patch: UpdateTask,
    actorId: string | null,
  ): Promise<Task> {
    checkIdPrefix('companyId', patch.companyId, 'co_');
    checkIdPrefix('dealId', patch.dealId, 'deal_');
    await this.store.db.transaction().execute(async (trx) => {
      const before = await this.get(workspaceId, taskId, trx);
      const now = this.now();
      const profileId =
        patch.profileId === undefined || patch.profileId === null
          ? (patch.profileId ?? before.profileId)
          : await livePersonOf(trx, this.deps.identity, {
              workspaceId,
              profileId: patch.profileId,
              field: 'profileId',
            });
      const status = patch.status ?? before.status;
      const completing = status === 'done' && before.status === 'open';
      const reopening = status === 'open' && before.status === 'done';
      const completedAt = completing ? now : reopening ? null : before.completedAt;
      const set = {
        title: patch.title ?? before.title,
        notes: patch.notes ?? before.notes,
        status,
        priority: patch.priority ?? before.priority,
        due_at: patch.dueAt === undefined ? before.dueAt : new Date(patch.dueAt).toISOString(),
        reminder_at:
          patch.reminderAt === undefined
            ? before.reminderAt
            : patch.reminderAt === null
              ? null
              : new Date(patch.reminderAt).toISOString(),
        assignee_id: patch.assigneeId === undefined ? before.assigneeId : patch.assigneeId,
        profile_id: profileId,
        company_id: patch.companyId === undefined ? before.companyId : patch.companyId,
        deal_id: patch.dealId === undefined ? before.dealId : patch.dealId,
        completed_at: completedAt,
        updated_at: now,
      };
      await trx
        .updateTable('crm_tasks')
        .set(set)
        .where('workspace_id', '=', workspaceId)
        .where('task_id', '=', taskId)
        .execute();
      const after = await this.get(workspaceId, taskId, trx);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'task',
          entityId: taskId,
          action: 'update',
          profileId,
          before,
          after,
          at: now,
        },
      ]);
      const event = completing ? 'Task Completed' : reopening ? 'Task Reopened' : null;
      if (event !== null && profileId !== null) {
        await this.deps.crmEvents.appendWithin(trx, [
          taskEvent(event, after, {
            workspaceId,
            profileId,
            actorId,
            at: now,
            messageId: `task-${completing ? 'completed' : 'reopened'}-${taskId}-${now}`,
          }),
        ]);
      }
    });
    return this.get(workspaceId, taskId);
  }

  /**
   * A page of tasks, soonest due first: someone's ("me": the reader), open or done, only the
   * overdue ones, those about a person (and the profiles merged into them), company or deal.
   */
  async list(
    workspaceId: string,
    query: TaskListQuery,
    reader: TaskReader,
  ): Promise<{ data: Task[]; nextCursor: string | null }> {
    const now = this.now();
    let select = this.store.db.selectFrom('crm_tasks').selectAll().where('workspace_id', '=', workspaceId);
    if (query.assignee !== undefined) {
      const assignee = query.assignee === 'me' ? reader.actorId : query.assignee;
      select =
        assignee === null
          ? select.where('assignee_id', 'is', null)
          : select.where('assignee_id', '=', assignee);
    }
    if (query.overdue === 'true') select = select.where('status', '=', 'open').where('due_at', '<', now);
    if (query.overdue === 'false') {
      select = select.where((eb) => eb.or([eb('status', '=', 'done'), eb('due_at', '>=', now)]));
    }
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.profileId !== undefined) {
      const liveId = await this.deps.identity.resolveProfileId(workspaceId, query.profileId);
      const ids =
        liveId === undefined ? [query.profileId] : await this.deps.identity.mergedIdsOf(workspaceId, liveId);
      select = select.where('profile_id', 'in', ids);
    }
    if (query.companyId !== undefined) select = select.where('company_id', '=', query.companyId);
    if (query.dealId !== undefined) select = select.where('deal_id', '=', query.dealId);
    if (query.cursor !== undefined) {
      const [dueAt = '', taskId = ''] = query.cursor.split('|');
      select = select.where((eb) =>
        eb.or([eb('due_at', '>', dueAt), eb.and([eb('due_at', '=', dueAt), eb('task_id', '>', taskId)])]),
      );
    }
    const rows = await select
      .orderBy('due_at')
      .orderBy('task_id')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: await this.named(workspaceId, page),
      nextCursor: rows.length > query.limit && last ? `${last.due_at}|${last.task_id}` : null,
    };
  }

  /** How many open tasks `userId` is assigned: what their removal from the workspace may hand over. */
  async openAssignedCount(workspaceId: string, userId: string): Promise<number> {
    return (await this.openTasksAssignedTo(this.store.db, workspaceId, userId)).length;
  }

  /** Who is assigned open tasks here (former members too). */
  async openAssigneeIds(workspaceId: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('crm_tasks')
      .select('assignee_id')
      .distinct()
      .where('workspace_id', '=', workspaceId)
      .where('assignee_id', 'is not', null)
      .where('status', '=', 'open')
      .execute();
    return rows.flatMap((row) => (row.assignee_id === null ? [] : [row.assignee_id]));
  }

  /**
   * Gives the open tasks assigned to `from` to `to` (a member leaving), each audited; done ones
   * keep who did them. Answers how many.
   */
  async handOver(
    workspaceId: string,
    handOver: { from: string; to: string; actorId: string | null },
  ): Promise<number> {
    const { from, to, actorId } = handOver;
    const at = this.now();
    return this.store.db.transaction().execute(async (trx) => {
      const tasks = await this.openTasksAssignedTo(trx, workspaceId, from);
      if (tasks.length === 0) return 0;
      await trx
        .updateTable('crm_tasks')
        .set({ assignee_id: to, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('assignee_id', '=', from)
        .where('status', '=', 'open')
        .execute();
      await recordCrmAudit(
        trx,
        tasks.map((task) => ({
          workspaceId,
          actorId,
          entityType: 'task',
          entityId: task.id,
          action: 'update',
          profileId: task.profileId,
          before: { assigneeId: from },
          after: { assigneeId: to },
          at,
        })),
      );
      return tasks.length;
    });
  }

  private async openTasksAssignedTo(db: Kysely<Database>, workspaceId: string, assigneeId: string) {
    const rows = await db
      .selectFrom('crm_tasks')
      .select(['task_id', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('assignee_id', '=', assigneeId)
      .where('status', '=', 'open')
      .orderBy('task_id')
      .execute();
    return rows.map((row) => ({ id: row.task_id, profileId: row.profile_id }));
  }

  /** Open tasks about these profiles (a person and those merged into them), soonest due first. */
  async openTasksOf(workspaceId: string, profileIds: readonly string[], limit = 50): Promise<Task[]> {
    const now = this.now();
    const rows = await this.store.db
      .selectFrom('crm_tasks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds)
      .where('status', '=', 'open')
      .orderBy('due_at')
      .orderBy('task_id')
      .limit(limit)
      .execute();
    return rows.map((row) => taskOf(row, now));
  }

  /** Tasks with the names of the people they are about. */
  private async named(workspaceId: string, rows: readonly Database['crm_tasks'][]): Promise<Task[]> {
    const now = this.now();
    const ids = [...new Set(rows.flatMap((row) => (row.profile_id === null ? [] : [row.profile_id])))];
    const names =
      ids.length > 0 && this.deps.namesOf
        ? await this.deps.namesOf(workspaceId, ids)
        : new Map<string, string>();
    return rows.map((row) =>
      taskOf(row, now, row.profile_id === null ? null : (names.get(row.profile_id) ?? null)),
    );
  }
}

function taskEvent(
  event: string,
  task: Task,
  about: { workspaceId: string; profileId: string; actorId: string | null; at: string; messageId: string },
): CrmEvent {
  return {
    ...about,
    event,
    properties: {
      taskId: task.id,
      title: task.title,
      dueAt: task.dueAt,
      priority: task.priority,
      assigneeId: task.assigneeId,
      dealId: task.dealId,
      companyId: task.companyId,
    },
  };
}
