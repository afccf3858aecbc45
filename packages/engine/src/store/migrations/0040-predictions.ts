import type { Migration } from './migration.js';

/**
 * Predictions: each workspace's settings (order event, value property, time unit, schedule), its
 * latest fitted models with their run and summary, and each person's predictions (with the
 * `predicted_*` traits last published for them, so only changes are written).
 */
export const predictions: Migration = {
  name: '0040-predictions',
  async up(db) {
    await db.schema
      .createTable('prediction_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('order_event', 'text', (c) => c.notNull())
      .addColumn('value_property', 'text')
      .addColumn('time_unit', 'text', (c) => c.notNull())
      .addColumn('refresh_hours', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // `models`: JSON of the fits, the lead score model and the distributions the page shows.
    await db.schema
      .createTable('prediction_models')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .addColumn('fitted_at', 'text')
      .addColumn('models', 'text')
      .execute();
    await db.schema
      .createTable('person_predictions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('predictions', 'text', (c) => c.notNull())
      .addColumn('published', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('person_predictions_pk', ['workspace_id', 'profile_id'])
      .execute();
  },
};
