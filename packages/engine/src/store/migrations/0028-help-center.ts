import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The help center: each workspace's public key (its help center URL), article categories,
 * Markdown articles (with a normalised search text of title and body, full-text indexed: FTS5 on
 * SQLite, a GIN `tsvector` index on PostgreSQL), and the customer portal's
 * one-time sign-in links and sessions (stored as SHA-256 hashes, never the secrets).
 */
export const helpCenter: Migration = {
  name: '0028-help-center',
  async up(db, kind) {
    await db.schema
      .createTable('help_sites')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Public pages find their workspace by key alone.
    await db.schema.createIndex('help_sites_by_key').on('help_sites').column('site_key').unique().execute();

    await db.schema
      .createTable('help_categories')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('help_categories_pk', ['workspace_id', 'category_id'])
      .execute();

    await db.schema
      .createTable('help_articles')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('article_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addPrimaryKeyConstraint('help_articles_pk', ['workspace_id', 'article_id'])
      .execute();
    await db.schema
      .createIndex('help_articles_by_slug')
      .on('help_articles')
      .columns(['workspace_id', 'slug'])
      .unique()
      .execute();
    await db.schema
      .createIndex('help_articles_by_category')
      .on('help_articles')
      .columns(['workspace_id', 'category_id', 'title'])
      .execute();

    // Full-text search over search_text: words, prefix matches, the same tokens on both engines.
    if (kind === 'sqlite')
      await sql`CREATE VIRTUAL TABLE help_articles_fts USING fts5(workspace_id UNINDEXED, article_id UNINDEXED, content, tokenize = 'unicode61')`.execute(
        db,
      );
    else
      await sql`CREATE INDEX help_articles_search ON help_articles USING gin (to_tsvector('simple', search_text))`.execute(
        db,
      );

    await db.schema
      .createTable('help_portal_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('help_portal_tokens_by_expiry')
      .on('help_portal_tokens')
      .column('expires_at')
      .execute();
  },
};
