import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The website loop: a publishable (browser-safe, read-only) key per source, what each workspace
 * exposes to the personalization API, and the JSONata mappings of webhook sources.
 */
export const website: Migration = {
  name: '0012-website',
  async up(db) {
    await db.schema.alterTable('sources').addColumn('publishable_key', 'text').execute();
    // Sources made before this migration get their key now: every source has one.
    const sources = await (db as Kysely<{ sources: { source_id: string; publishable_key: string | null } }>)
      .selectFrom('sources')
      .select('source_id')
      .execute();
    for (const { source_id } of sources) {
      await (db as Kysely<{ sources: { source_id: string; publishable_key: string | null } }>)
        .updateTable('sources')
        .set({ publishable_key: `pk_${randomBytes(18).toString('base64url')}` })
        .where('source_id', '=', source_id)
        .execute();
    }
    await db.schema
      .createIndex('sources_by_publishable_key')
      .unique()
      .on('sources')
      .column('publishable_key')
      .execute();

    await db.schema
      .createTable('personalization_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      // JSON text: {traits, computedTraits, audiences}.
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_sources')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      // The secret part of the inbound URL: whoever knows it may post to the source.
      .addColumn('token', 'text', (c) => c.notNull().unique())
      .addColumn('preset', 'text')
      .addColumn('mapping', 'text', (c) => c.notNull())
      // `shopify` | `stripe` | null: which signature header is checked when a secret is set.
      .addColumn('signature', 'text')
      .addColumn('signing_secret', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_sources_pk', ['workspace_id', 'source_id'])
      .execute();
  },
};
