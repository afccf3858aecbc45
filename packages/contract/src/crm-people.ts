import { z } from 'zod';
import { LeadScoreContributionSchema } from './lead-scoring.js';
import { PageQuerySchema } from './paging.js';
import { LIST_SORT_FIELDS, listSortSchema } from './saved-views.js';

/** Where a person is in the relationship, from first contact to advocate. */
export const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'mql',
  'sql',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export const LifecycleStageSchema = z.enum(LIFECYCLE_STAGES);
export type LifecycleStage = z.infer<typeof LifecycleStageSchema>;

const TagSchema = z.string().trim().min(1).max(64);
const TagsSchema = z.array(TagSchema).max(100);
const UserRefSchema = z.string().trim().min(1).max(100).describe('A user id (usr_…)');
/** Custom field values by key, checked against the workspace's definitions on write. */
export const CustomFieldValuesSchema = z.record(z.string().min(1).max(64), z.unknown());

export const TASK_STATUSES = ['open', 'done'] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
export const TaskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPrioritySchema>;

export const TaskSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    notes: z.string(),
    status: TaskStatusSchema,
    priority: TaskPrioritySchema,
    dueAt: z.string(),
    reminderAt: z.string().nullable(),
    assigneeId: z.string().nullable(),
    profileId: z.string().nullable(),
    personName: z.string().nullable().describe('The name (or email) of the person the task is about'),
    companyId: z.string().nullable(),
    dealId: z.string().nullable(),
    createdBy: z.string().nullable(),
    completedAt: z.string().nullable(),
    overdue: z.boolean().describe('Open and due before now'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof TaskSchema>;

/** A deal a person takes part in, as the person's CRM view lists it. */
export const PersonDealSchema = z.looseObject({ id: z.string(), name: z.string() });

/** The CRM view of a profile. */
export const PersonSchema = z
  .object({
    profileId: z.string(),
    ownerId: z.string().nullable(),
    lifecycleStage: LifecycleStageSchema.nullable(),
    leadStatus: z.string().nullable(),
    leadScore: z.number().nullable(),
    leadScoreBreakdown: z.array(LeadScoreContributionSchema),
    tags: z.array(z.string()),
    fields: z.record(z.string(), z.unknown()),
    deals: z.array(PersonDealSchema),
    tasks: z.array(TaskSchema).describe('Open tasks about the person, soonest due first'),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Person' });
export type Person = z.infer<typeof PersonSchema>;

const PersonFields = {
  ownerId: UserRefSchema.nullable(),
  lifecycleStage: LifecycleStageSchema.nullable(),
  leadStatus: z.string().trim().min(1).max(64).nullable(),
  tags: TagsSchema,
  fields: CustomFieldValuesSchema.describe('Custom field values by key; null clears one'),
};

export const UpdatePersonSchema = z.strictObject(PersonFields).partial();
export type UpdatePerson = z.infer<typeof UpdatePersonSchema>;

export const CreatePersonSchema = z
  .strictObject({
    email: z.string().trim().min(3).max(320).optional(),
    phone: z.string().trim().min(3).max(40).optional(),
    userId: z.string().trim().min(1).max(500).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    traits: z.record(z.string().min(1).max(200), z.unknown()).optional(),
    ...UpdatePersonSchema.shape,
  })
  .refine((p) => p.email ?? p.phone ?? p.userId ?? p.name, {
    message: 'A person needs an email, a phone, a user id or a name',
    path: ['email'],
  });
export type CreatePerson = z.infer<typeof CreatePersonSchema>;

/** A person as the contacts list shows them. */
export const PersonSummarySchema = z
  .object({
    profileId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    ownerId: z.string().nullable(),
    lifecycleStage: LifecycleStageSchema.nullable(),
    leadStatus: z.string().nullable(),
    tags: z.array(z.string()),
    updatedAt: z.string(),
  })
  .meta({ id: 'PersonSummary' });
export type PersonSummary = z.infer<typeof PersonSummarySchema>;

export const PeopleListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(500).optional().describe('An identifier value (prefix) or a trait value'),
  ownerId: z.string().min(1).max(100).optional().describe('"me" for the caller'),
  lifecycleStage: LifecycleStageSchema.optional(),
  leadStatus: z.string().min(1).max(64).optional(),
  tag: TagSchema.optional(),
  sort: listSortSchema(LIST_SORT_FIELDS.people),
});
export type PeopleListQuery = z.infer<typeof PeopleListQuerySchema>;

export const BulkUpdatePeopleSchema = z.strictObject({
  profileIds: z.array(z.string().min(1)).min(1).max(1000),
  set: z.strictObject({
    ownerId: PersonFields.ownerId.optional(),
    lifecycleStage: PersonFields.lifecycleStage.optional(),
    leadStatus: PersonFields.leadStatus.optional(),
  }),
  addTags: TagsSchema.default([]),
  removeTags: TagsSchema.default([]),
});
export type BulkUpdatePeople = z.input<typeof BulkUpdatePeopleSchema>;
export const BulkUpdateResultSchema = z.object({ updated: z.number().int() });

export const ACTIVITY_KINDS = ['note', 'call', 'email', 'meeting'] as const;
export const ActivityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof ActivityKindSchema>;

export const ActivitySchema = z
  .object({
    id: z.string(),
    kind: ActivityKindSchema,
    profileId: z.string().nullable(),
    companyId: z.string().nullable(),
    dealId: z.string().nullable(),
    body: z.string(),
    actorId: z.string().nullable(),
    occurredAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Activity' });
export type Activity = z.infer<typeof ActivitySchema>;

const TargetFields = {
  profileId: z.string().min(1).max(100).optional(),
  companyId: z.string().min(1).max(100).optional(),
  dealId: z.string().min(1).max(100).optional(),
};
const hasTarget = (t: { profileId?: string; companyId?: string; dealId?: string }) =>
  Boolean(t.profileId ?? t.companyId ?? t.dealId);

export const CreateActivitySchema = z
  .strictObject({
    kind: ActivityKindSchema,
    ...TargetFields,
    body: z.string().trim().min(1).max(20_000),
    occurredAt: z.iso.datetime().optional().describe('When the call or meeting took place; default now'),
  })
  .refine(hasTarget, { message: 'An activity is about a person, a company or a deal', path: ['profileId'] });
export type CreateActivity = z.infer<typeof CreateActivitySchema>;

export const ActivityListQuerySchema = PageQuerySchema.extend(TargetFields).refine(hasTarget, {
  message: 'List the activities of a person, a company or a deal',
  path: ['profileId'],
});

const TaskFields = {
  title: z.string().trim().min(1).max(500),
  notes: z.string().max(20_000),
  dueAt: z.iso.datetime(),
  reminderAt: z.iso.datetime().nullable(),
  assigneeId: UserRefSchema.nullable(),
  priority: TaskPrioritySchema,
  profileId: z.string().min(1).max(100).nullable(),
  companyId: z.string().min(1).max(100).nullable(),
  dealId: z.string().min(1).max(100).nullable(),
};
export const CreateTaskSchema = z.strictObject({
  ...TaskFields,
  notes: TaskFields.notes.default(''),
  reminderAt: TaskFields.reminderAt.optional(),
  assigneeId: TaskFields.assigneeId.optional().describe('Default: the caller'),
  priority: TaskFields.priority.default('normal'),
  profileId: TaskFields.profileId.optional(),
  companyId: TaskFields.companyId.optional(),
  dealId: TaskFields.dealId.optional(),
});
export type CreateTask = z.input<typeof CreateTaskSchema>;
export const UpdateTaskSchema = z.strictObject({ ...TaskFields, status: TaskStatusSchema }).partial();
export type UpdateTask = z.infer<typeof UpdateTaskSchema>;

export const TaskListQuerySchema = PageQuerySchema.extend({
  assignee: z.string().min(1).max(100).optional().describe('"me" for the caller, or a user id'),
  status: TaskStatusSchema.optional(),
  overdue: z.enum(['true', 'false']).optional().describe('Only open tasks due before now'),
  profileId: z.string().min(1).max(100).optional(),
  companyId: z.string().min(1).max(100).optional(),
  dealId: z.string().min(1).max(100).optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>;
