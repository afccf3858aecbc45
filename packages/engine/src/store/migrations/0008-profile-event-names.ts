import type { Migration } from './migration.js';

/**
 * The real-time audience path reads the named events of a batch's profiles: a covering index by
 * profile and name answers it from the index alone. Without it SQLite prefers the by-name index,
 * which covers the query too but scans every event of the workspace.
 */
export const profileEventNames: Migration = {
  name: '0008-profile-event-names',
  async up(db) {
    await db.schema
      .createIndex('profile_events_by_profile_event')
      .on('profile_events')
      .columns(['workspace_id', 'profile_id', 'event', 'timestamp'])
      .execute();
  },
};
