import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The dispatcher's claims read only what they need. The due index gains the profile: a claim
 * picks the profiles whose turn it is from the index alone. And an index of each profile's
 * deliveries still to send, with when they are due and their lease: claims look up the profiles'
 * earliest rows and park or un-park their later ones without reading the rows already delivered.
 * It replaces the index of every row by profile, which only those queries used (and which
 * SQLite, without statistics, preferred to the partial one).
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
