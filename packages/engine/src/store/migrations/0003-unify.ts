import { sql } from 'kysely';
import { jsonColumnType } from '../dialect.js';
import type { Migration } from './migration.js';

/** The pipeline's checkpoints and the projections of identity/ and profiles/. */
export const unify: Migration = {
  name: '0003-unify',
  async up(db, kind) {
    const json = jsonColumnType(kind);
    if (kind === 'postgres') {
      // The id of the transaction that wrote each event: the pipeline reads the log in
      // (txid, seq) order below the oldest running transaction, so a seq taken by a transaction
      // that commits late can never fall behind a checkpoint (see log/log-cursor.ts).
      await sql`ALTER TABLE events ADD COLUMN txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)`.execute(
        db,
      );
      await sql`CREATE INDEX events_by_txid ON events (txid, seq)`.execute(db);
    }

    // The log's seq spans workspaces, so a consumer's position does too: like `users`, this
    // table has no workspace_id.
    await db.schema
      .createTable('pipeline_checkpoints')
      .addColumn('stage', 'text', (c) => c.primaryKey())
      .addColumn('txid', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('identity_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('settings', json, (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('profiles')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('merged_into', 'text')
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('profiles_pk', ['workspace_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('profiles_by_merged_into')
      .on('profiles')
      .columns(['workspace_id', 'merged_into'])
      .execute();

    // Keyed by value first: lookups give both, and search by a value's prefix uses it too.
    await db.schema
      .createTable('profile_identifiers')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('profile_identifiers_pk', ['workspace_id', 'value', 'type'])
      .execute();
    await db.schema
      .createIndex('profile_identifiers_by_profile')
      .on('profile_identifiers')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    // Which profile each event belongs to: a merge re-points only the smaller side's rows.
    await db.schema
      .createTable('profile_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'text', (c) => c.notNull())
      .addColumn('event', 'text')
      .execute();
    await db.schema
      .createIndex('profile_events_by_profile')
      .on('profile_events')
      .columns(['workspace_id', 'profile_id', 'timestamp', 'seq'])
      .execute();

    await db.schema
      .createTable('profile_traits')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // JSON text, not jsonb: PostgreSQL hands a jsonb string back parsed, indistinguishable
      // from JSON text on SQLite, and a trait may well be a string.
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('value_text', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('previous_value', 'text')
      .addPrimaryKeyConstraint('profile_traits_pk', ['workspace_id', 'profile_id', 'name'])
      .execute();
    await db.schema
      .createIndex('profile_traits_by_text')
      .on('profile_traits')
      .columns(['workspace_id', 'value_text'])
      .execute();

    await db.schema
      .createTable('profile_merges')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('merge_id', 'text', (c) => c.notNull())
      .addColumn('survivor_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text')
      .addColumn('identifiers', json, (c) => c.notNull())
      .addColumn('merged_at', 'text', (c) => c.notNull())
      .addColumn('undone_at', 'text')
      .addPrimaryKeyConstraint('profile_merges_pk', ['workspace_id', 'merge_id'])
      .execute();
    await db.schema
      .createIndex('profile_merges_by_survivor')
      .on('profile_merges')
      .columns(['workspace_id', 'survivor_id'])
      .execute();
    await db.schema
      .createIndex('profile_merges_by_profile')
      .on('profile_merges')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    // An admin's unmerge: the profiles holding these two identifiers must never merge again.
    // Kept by identifiers, not profile ids, so it survives later merges and a rebuild.
    await db.schema
      .createTable('identity_separations')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('merge_id', 'text', (c) => c.notNull())
      .addColumn('type_a', 'text', (c) => c.notNull())
      .addColumn('value_a', 'text', (c) => c.notNull())
      .addColumn('type_b', 'text', (c) => c.notNull())
      .addColumn('value_b', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_separations_pk', ['workspace_id', 'merge_id'])
      .execute();

    await db.schema
      .createTable('identifier_rejections')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('identifier_rejections_pk', ['workspace_id', 'type', 'reason'])
      .execute();

    await db.schema
      .createTable('companies')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('traits', json, (c) => c.notNull())
      .addColumn('traits_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('companies_pk', ['workspace_id', 'company_id'])
      .execute();
    await db.schema
      .createIndex('companies_by_group')
      .unique()
      .on('companies')
      .columns(['workspace_id', 'group_id'])
      .execute();

    await db.schema
      .createTable('company_members')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('company_members_pk', ['workspace_id', 'profile_id', 'company_id'])
      .execute();
  },
};
