import type { Migration } from './migration.js';

/**
 * The consent center: proof kept with each decision (the IP and user agent it came from, the
 * wording shown and its version), recent changes read by time, and audiences that require a
 * purpose (only people who granted it are members).
 */
export const consentCenter: Migration = {
  name: '0036-consent-center',
  async up(db) {
    await db.schema.alterTable('consent_decisions').addColumn('ip', 'text').execute();
    await db.schema.alterTable('consent_decisions').addColumn('user_agent', 'text').execute();
    // What the person was shown when deciding (a preference page's label and description).
    await db.schema.alterTable('consent_decisions').addColumn('wording', 'text').execute();
    await db.schema.alterTable('consent_decisions').addColumn('wording_version', 'text').execute();
    await db.schema
      .createIndex('consent_decisions_by_recorded')
      .on('consent_decisions')
      .columns(['workspace_id', 'recorded_at'])
      .execute();
    await db.schema.alterTable('audiences').addColumn('required_purpose', 'text').execute();
  },
};
