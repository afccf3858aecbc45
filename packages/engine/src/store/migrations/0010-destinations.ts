import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Destinations, their delivery outbox (one row per delivery: its status, attempts and last
 * outcome are the delivery log) and the computed-trait values last seen by the delivery stage.
 */
export const destinations: Migration = {
  name: '0010-destinations',
  async up(db) {
    await db.schema
      .createTable('destinations')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      // JSON text: the configuration without its secret fields; those are in `secrets`, sealed.
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('secrets', 'text')
      .addColumn('purposes', 'text', (c) => c.notNull())
      .addColumn('subscriptions', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('limits', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('destinations_pk', ['workspace_id', 'destination_id'])
      .execute();

    await db.schema
      .createTable('deliveries')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      // Order of the deliveries of one (destination, profile): the cause's log seq and subscription.
      .addColumn('ord', 'bigint', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('mapping', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('latency_ms', 'real')
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('delivered_at', 'text')
      // PostgreSQL: a process's claim on the delivery while it sends it.
      .addColumn('lease_until', 'text')
      .addPrimaryKeyConstraint('deliveries_pk', ['workspace_id', 'delivery_id'])
      .execute();
    // What the dispatcher claims: due deliveries of a destination (only those still to send).
    await sql`CREATE INDEX deliveries_due ON deliveries (destination_id, next_attempt_at, ord) WHERE status IN ('pending', 'failed')`.execute(
      db,
    );
    // A profile's earlier deliveries to the destination (order per profile).
    await db.schema
      .createIndex('deliveries_by_profile')
      .on('deliveries')
      .columns(['destination_id', 'profile_id', 'ord'])
      .execute();
    // The delivery log by status, newest first; the retention sweep by age.
    await db.schema
      .createIndex('deliveries_by_status')
      .on('deliveries')
      .columns(['workspace_id', 'destination_id', 'status', 'created_at'])
      .execute();
    await db.schema.createIndex('deliveries_by_age').on('deliveries').column('created_at').execute();

    await db.schema
      .createTable('delivery_trait_values')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('trait_id', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('delivery_trait_values_pk', ['workspace_id', 'profile_id', 'trait_id'])
      .execute();
  },
};
