import type { Task, TaskPriority } from '@tandem/contract';
import type { Database } from '../../store/index.js';

type Row = Database['crm_tasks'];

/** A stored task as the API shows it; `now` decides whether it is overdue. */
export function taskOf(row: Row, now: string, personName: string | null = null): Task {
  return {
    id: row.task_id,
    title: row.title,
    notes: row.notes,
    status: row.status === 'done' ? 'done' : 'open',
    priority: row.priority as TaskPriority, // written from the contract's enum
    dueAt: row.due_at,
    reminderAt: row.reminder_at,
    assigneeId: row.assignee_id,
    profileId: row.profile_id,
    personName,
    companyId: row.company_id,
    dealId: row.deal_id,
    createdBy: row.created_by,
    completedAt: row.completed_at,
    overdue: row.status === 'open' && row.due_at < now,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
