import type { Migration } from './migration.js';

/**
 * Static lists (people added by hand, journeys or the API) and sales sequences: ordered email and
 * task steps, each person's enrollment with its next due time, and every step an enrollment ran
 * (one row per step: the scheduler's exactly-once guard and the report's counts).
 */
export const sequencesLists: Migration = {
  name: '0032-sequences-lists',
  async up(db) {
    await db.schema
      .createTable('static_lists')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('list_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('static_lists_pk', ['workspace_id', 'list_id'])
      .execute();
    await db.schema
      .createTable('static_list_members')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('list_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text')
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('static_list_members_pk', ['workspace_id', 'list_id', 'profile_id'])
      .execute();
    // A person's lists (their page, privacy export and deletion).
    await db.schema
      .createIndex('static_list_members_by_profile')
      .on('static_list_members')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    await db.schema
      .createTable('sequences')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('sequence_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .addPrimaryKeyConstraint('sequences_pk', ['workspace_id', 'sequence_id'])
      .execute();
    await db.schema
      .createTable('sequence_enrollments')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('enrollment_id', 'text', (c) => c.notNull())
      .addColumn('sequence_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      // The address the sequence writes to, lower-cased: replies without a token match on it.
      .addColumn('email', 'text')
      .addColumn('owner_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('stop_reason', 'text')
      .addColumn('current_step', 'integer', (c) => c.notNull())
      // Set only while active: the scheduler's due index.
      .addColumn('next_at', 'text')
      .addColumn('reply_token', 'text', (c) => c.notNull())
      .addColumn('replied_at', 'text')
      .addColumn('enrolled_by', 'text')
      .addColumn('enrolled_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addPrimaryKeyConstraint('sequence_enrollments_pk', ['workspace_id', 'enrollment_id'])
      .execute();
    // The reply address names the enrollment alone (any workspace).
    await db.schema
      .createIndex('sequence_enrollments_by_token')
      .on('sequence_enrollments')
      .column('reply_token')
      .unique()
      .execute();
    await db.schema
      .createIndex('sequence_enrollments_due')
      .on('sequence_enrollments')
      .columns(['next_at'])
      .execute();
    await db.schema
      .createIndex('sequence_enrollments_by_sequence')
      .on('sequence_enrollments')
      .columns(['workspace_id', 'sequence_id', 'status'])
      .execute();
    await db.schema
      .createIndex('sequence_enrollments_by_profile')
      .on('sequence_enrollments')
      .columns(['workspace_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('sequence_enrollments_by_email')
      .on('sequence_enrollments')
      .columns(['email', 'status'])
      .execute();

    await db.schema
      .createTable('sequence_step_runs')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('enrollment_id', 'text', (c) => c.notNull())
      .addColumn('step_index', 'integer', (c) => c.notNull())
      .addColumn('sequence_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      // done | pending (a task to create once the step's transaction committed) | skipped
      .addColumn('status', 'text', (c) => c.notNull())
      // The email's `em_…` or the task's id.
      .addColumn('output_id', 'text')
      .addColumn('ran_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sequence_step_runs_pk', ['workspace_id', 'enrollment_id', 'step_index'])
      .execute();
    await db.schema
      .createIndex('sequence_step_runs_by_status')
      .on('sequence_step_runs')
      .columns(['status', 'ran_at'])
      .execute();
  },
};
