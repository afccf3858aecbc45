import type { Migration } from './migration.js';

/**
 * Privacy requests and suppressions. Neither holds personal data: identifiers are kept as keyed
 * hashes (HMAC-SHA256 under a per-workspace key, itself sealed with the server's secret key). A
 * pending request keeps its identifier sealed until it has run. Exports are the one exception:
 * the person's document, reachable by profile and removed on expiry or when the person is deleted.
 */
export const privacy: Migration = {
  name: '0033-privacy',
  async up(db) {
    await db.schema
      .createTable('privacy_keys')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('privacy_requests')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('identifier_type', 'text', (c) => c.notNull())
      .addColumn('identifier_hash', 'text', (c) => c.notNull())
      // The identifier, sealed, while the request waits to run; cleared once it has.
      .addColumn('sealed_identifier', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addPrimaryKeyConstraint('privacy_requests_pk', ['workspace_id', 'request_id'])
      .execute();
    // The worker's queue: pending and leased requests, oldest first.
    await db.schema
      .createIndex('privacy_requests_by_status')
      .on('privacy_requests')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createTable('privacy_suppressions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('identifier_hash', 'text', (c) => c.notNull())
      .addColumn('identifier_type', 'text', (c) => c.notNull())
      // The request that suppressed it: unsuppress lifts every hash that request added.
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('privacy_suppressions_pk', ['workspace_id', 'identifier_hash'])
      .execute();
    await db.schema
      .createTable('privacy_exports')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      // SHA-256 of the download token: the token itself is only in the request's download URL.
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('summary_html', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('privacy_exports_pk', ['workspace_id', 'request_id'])
      .execute();
    await db.schema
      .createIndex('privacy_exports_by_profile')
      .on('privacy_exports')
      .columns(['workspace_id', 'profile_id'])
      .execute();
  },
};
