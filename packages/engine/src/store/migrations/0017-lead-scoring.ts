import type { Migration } from './migration.js';

/**
 * Lead scoring: each workspace's rules (with the progress of the rescore an edit starts), each
 * profile's current score with its breakdown per rule, and a bounded history of score changes.
 */
export const leadScoring: Migration = {
  name: '0017-lead-scoring',
  async up(db) {
    // `rescore_after`: the last profile id the rescore of an edit reached ('' = not started);
    // null when no rescore is pending.
    await db.schema
      .createTable('lead_scoring_rules')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('rescore_after', 'text')
      .addColumn('rescored', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // A profile without a row scores 0. `due_at`: when time alone (decay, a window) next changes it.
    await db.schema
      .createTable('lead_scores')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('fit', 'integer', (c) => c.notNull())
      .addColumn('engagement', 'integer', (c) => c.notNull())
      .addColumn('breakdown', 'text', (c) => c.notNull())
      .addColumn('scored_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text')
      .addColumn('history_length', 'integer', (c) => c.notNull())
      // The newest history entry: consecutive decay steps are folded into it.
      .addColumn('last_change_id', 'text')
      .addColumn('last_reason', 'text')
      .addPrimaryKeyConstraint('lead_scores_pk', ['workspace_id', 'profile_id'])
      .execute();
    await db.schema.createIndex('lead_scores_by_due').on('lead_scores').columns(['due_at']).execute();
    // The workspace's leads, highest score first.
    await db.schema
      .createIndex('lead_scores_by_total')
      .on('lead_scores')
      .columns(['workspace_id', 'total'])
      .execute();
    await db.schema
      .createTable('lead_score_history')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('fit', 'integer', (c) => c.notNull())
      .addColumn('engagement', 'integer', (c) => c.notNull())
      .addColumn('previous_total', 'integer', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('lead_score_history_pk', ['workspace_id', 'change_id'])
      .execute();
    await db.schema
      .createIndex('lead_score_history_by_profile')
      .on('lead_score_history')
      .columns(['workspace_id', 'profile_id', 'at'])
      .execute();
  },
};
