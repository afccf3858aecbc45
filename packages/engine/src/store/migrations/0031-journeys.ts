import type { Migration } from './migration.js';

/**
 * Journeys: each journey's draft and status, its published versions (immutable), people's runs
 * through a version, each run's durable timer (a delay or a wait's timeout, by due time), the
 * path of each run (steps passed, for the report and the person's timeline) and the effects
 * done outside the journey's transaction (tasks, tickets, CRM fields), once per (run, step).
 */
export const journeys: Migration = {
  name: '0031-journeys',
  async up(db) {
    await db.schema
      .createTable('journeys')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('journey_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('draft', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      // The entry's kind and event name of the live version: the stage's index of who listens.
      .addColumn('entry_kind', 'text')
      .addColumn('entry_event', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addColumn('swept_at', 'text')
      .addPrimaryKeyConstraint('journeys_pk', ['workspace_id', 'journey_id'])
      .execute();
    await db.schema
      .createTable('journey_versions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('journey_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_versions_pk', ['workspace_id', 'journey_id', 'version'])
      .execute();
    // `waiting_for`: the event a run at a wait_for_event (or `Audience …`) step waits for.
    await db.schema
      .createTable('journey_runs')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('journey_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('holdout', 'integer', (c) => c.notNull())
      .addColumn('waiting_for', 'text')
      .addColumn('trigger', 'text')
      .addColumn('path_length', 'integer', (c) => c.notNull())
      .addColumn('entered_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addPrimaryKeyConstraint('journey_runs_pk', ['workspace_id', 'run_id'])
      .execute();
    await db.schema
      .createIndex('journey_runs_by_profile')
      .on('journey_runs')
      .columns(['workspace_id', 'profile_id', 'status'])
      .execute();
    await db.schema
      .createIndex('journey_runs_by_step')
      .on('journey_runs')
      .columns(['workspace_id', 'journey_id', 'status', 'step_id'])
      .execute();
    // At most one timer per run; `due_at` in ms since epoch.
    await db.schema
      .createTable('journey_timers')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('journey_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_timers_pk', ['workspace_id', 'run_id'])
      .execute();
    await db.schema.createIndex('journey_timers_by_due').on('journey_timers').columns(['due_at']).execute();
    await db.schema
      .createTable('journey_run_steps')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('journey_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_run_steps_pk', ['workspace_id', 'run_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('journey_run_steps_by_step')
      .on('journey_run_steps')
      .columns(['workspace_id', 'journey_id', 'step_id'])
      .execute();
    await db.schema
      .createIndex('journey_run_steps_by_profile')
      .on('journey_run_steps')
      .columns(['workspace_id', 'profile_id'])
      .execute();
    // Effects of other domains' services (own transactions): pending until done, once per (run, step).
    await db.schema
      .createTable('journey_effects')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_effects_pk', ['workspace_id', 'run_id', 'step_id'])
      .execute();
    await db.schema
      .createIndex('journey_effects_by_status')
      .on('journey_effects')
      .columns(['status'])
      .execute();
  },
};
