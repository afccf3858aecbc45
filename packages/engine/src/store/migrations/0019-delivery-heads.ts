import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Each profile's deliveries still to send, with what the dispatcher reads of them (when due,
 * leased): its claims look up the profiles' earliest rows and park or un-park their later ones
 * from this index alone, never reading the rows already delivered or their bodies.
 */
export const deliveryHeads: Migration = {
  name: '0019-delivery-heads',
  async up(db) {
    await sql`CREATE INDEX deliveries_unsent_by_profile ON deliveries (destination_id, profile_id, ord, next_attempt_at, lease_until) WHERE status IN ('pending', 'failed')`.execute(
      db,
    );
  },
};
