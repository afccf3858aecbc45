import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The due index gains the profile: a claim picks the profiles whose turn it is from the index
 * alone. And each profile's deliveries still to send, with what the dispatcher reads of them (when due,
 * leased): its claims look up the profiles' earliest rows and park or un-park their later ones
 * from this index alone, never reading the rows already delivered or their bodies. It replaces
 * the index of every row by profile, which only those queries used (and which SQLite, without
 * statistics, preferred to this one).
 */
export const deliveryHeads: Migration = {
  name: '0019-delivery-heads',
  async up(db) {
    await db.schema.dropIndex('deliveries_by_profile').execute();
    await db.schema.dropIndex('deliveries_due').execute();
    await sql`CREATE INDEX deliveries_due ON deliveries (destination_id, next_attempt_at, ord, profile_id) WHERE status IN ('pending', 'failed')`.execute(
      db,
    );
    await sql`CREATE INDEX deliveries_unsent_by_profile ON deliveries (destination_id, profile_id, ord, next_attempt_at, lease_until) WHERE status IN ('pending', 'failed')`.execute(
      db,
    );
  },
};
