import type { Migration } from './migration.js';

/**
 * The CRM's people side: each person's CRM record (owner, lifecycle stage, lead status, tags,
 * custom field values), activities and tasks, custom field definitions, the CRM side of companies
 * (owner, domains, fields) and assignment teams. Rows about a person keep the profile id they were
 * written under: reads gather the ids merged into a survivor, so an unmerge gives them back.
 */
export const crmPeople: Migration = {
  name: '0015-crm-people',
  async up(db) {
    await db.schema
      .createTable('crm_people')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('lifecycle_stage', 'text')
      .addColumn('lead_status', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      // Profile ids merged into this one whose records this one already folded in.
      .addColumn('absorbed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_people_pk', ['workspace_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('crm_people_by_owner')
      .on('crm_people')
      .columns(['workspace_id', 'owner_id'])
      .execute();
    await db.schema
      .createIndex('crm_people_by_stage')
      .on('crm_people')
      .columns(['workspace_id', 'lifecycle_stage'])
      .execute();

    await db.schema
      .createTable('crm_activities')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text')
      .addColumn('company_id', 'text')
      .addColumn('deal_id', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_activities_pk', ['workspace_id', 'activity_id'])
      .execute();
    for (const column of ['profile_id', 'company_id', 'deal_id'] as const) {
      await db.schema
        .createIndex(`crm_activities_by_${column}`)
        .on('crm_activities')
        .columns(['workspace_id', column, 'activity_id'])
        .execute();
    }

    await db.schema
      .createTable('crm_tasks')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('reminder_at', 'text')
      .addColumn('assignee_id', 'text')
      .addColumn('profile_id', 'text')
      .addColumn('company_id', 'text')
      .addColumn('deal_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_tasks_pk', ['workspace_id', 'task_id'])
      .execute();
    // The queues: someone's open tasks by due date, every open task by due date (overdue).
    await db.schema
      .createIndex('crm_tasks_by_assignee')
      .on('crm_tasks')
      .columns(['workspace_id', 'assignee_id', 'status', 'due_at'])
      .execute();
    await db.schema
      .createIndex('crm_tasks_by_due')
      .on('crm_tasks')
      .columns(['workspace_id', 'status', 'due_at'])
      .execute();
    for (const column of ['profile_id', 'company_id', 'deal_id'] as const) {
      await db.schema
        .createIndex(`crm_tasks_by_${column}`)
        .on('crm_tasks')
        .columns(['workspace_id', column])
        .execute();
    }

    await db.schema
      .createTable('crm_custom_fields')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('field_id', 'text', (c) => c.notNull())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('required', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_custom_fields_pk', ['workspace_id', 'field_id'])
      .addUniqueConstraint('crm_custom_fields_key', ['workspace_id', 'entity', 'key'])
      .execute();

    await db.schema
      .createTable('crm_companies')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('merged_into', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_companies_pk', ['workspace_id', 'company_id'])
      .execute();
    // A domain may name several companies: those are the duplicates to merge.
    await db.schema
      .createTable('crm_company_domains')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_company_domains_pk', ['workspace_id', 'domain', 'company_id'])
      .execute();
    await db.schema
      .createIndex('crm_company_domains_by_company')
      .on('crm_company_domains')
      .columns(['workspace_id', 'company_id'])
      .execute();

    // A company's people, read by the company page (profiles' table, found from the company side).
    await db.schema
      .createIndex('company_members_by_company')
      .on('company_members')
      .columns(['workspace_id', 'company_id'])
      .execute();

    await db.schema
      .createTable('crm_teams')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('next_position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_teams_pk', ['workspace_id', 'team_id'])
      .execute();
    await db.schema
      .createTable('crm_team_members')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('away', 'integer', (c) => c.notNull())
      .addColumn('capacity', 'integer')
      .addPrimaryKeyConstraint('crm_team_members_pk', ['workspace_id', 'team_id', 'user_id'])
      .execute();
  },
};
