import type { Migration } from './migration.js';

/**
 * Consent flips (a profile's effective consent on a purpose turned from granted to refused, or
 * back) wait here until the delivery stage has told destinations needing that purpose: no
 * audience change carries them. One row per profile, purpose and what turned it (an event's id,
 * an API decision's id, a merge), so that recording a flip again (a replay) adds nothing.
 */
export const consentChanges: Migration = {
  name: '0044-consent-changes',
  async up(db) {
    await db.schema
      .createTable('consent_changes')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('change_key', 'text', (c) => c.notNull())
      // The effective state after the flip: 1 granted, 0 refused.
      .addColumn('granted', 'integer', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      // When Tandem learnt it (an event's receipt): ages the flip as a rebuild replays it.
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('consent_changes_pk', ['workspace_id', 'profile_id', 'purpose', 'change_key'])
      .execute();
  },
};
