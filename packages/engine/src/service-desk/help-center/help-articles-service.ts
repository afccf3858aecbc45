import { randomBytes } from 'node:crypto';
import type {
  HelpArticle,
  HelpArticleQuery,
  HelpCategory,
  NewHelpArticle,
  NewHelpCategory,
  UpdateHelpArticle,
  UpdateHelpCategory,
} from '@tandem/contract';
import { type Selectable, sql, type Transaction } from 'kysely';
import { recordCrmAudit } from '../../crm/index.js';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import type { Database, Store } from '../../store/index.js';
import { nowIso } from '../../store/index.js';

export interface HelpCenterDeps {
  readonly store: Store;
  /** Where the server is reached (links in articles' public URLs and sign-in mails). */
  readonly publicUrl: string;
  readonly clock?: (() => number) | undefined;
}

/** What the public pages get: a published, public article, with its category's name. */
export type PublicArticle = HelpArticle & { categoryName: string | null };

function unprocessable(path: string, message: string): AppError {
  return new AppError('unprocessable', `Invalid ${path}: ${message}`, { details: [{ path, message }] });
}

/** `Reset your password!` → `reset-your-password`. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return slug || 'article';
}

/**
 * Text as search indexes it: lower-cased, accents removed, anything but letters and digits a
 * space. Both engines' tokenizers then split it into the same words.
 */
export function searchWordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/**
 * Knowledge-base articles (Markdown, in ordered categories, draft or published, public or
 * internal), each workspace's public help center key, and full-text search over title and body:
 * every word of the query must start a word of the article (FTS5 on SQLite, tsvector on
 * PostgreSQL, over the same normalised words, so both engines find the same articles).
 */
export class HelpArticlesService {
  constructor(private readonly deps: HelpCenterDeps) {}

  private get db() {
    return this.deps.store.db;
  }

  // --- the public site ---
  /** The workspace's help center key, made on first use. */
  async siteKey(workspaceId: string): Promise<string> {
    const found = await this.db
      .selectFrom('help_sites')
      .select('site_key')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (found) return found.site_key;
    const key = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x');
    await this.db
      .insertInto('help_sites')
      .values({ workspace_id: workspaceId, site_key: key, created_at: nowIso(this.deps.clock) })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    return (
      await this.db
        .selectFrom('help_sites')
        .select('site_key')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow()
    ).site_key;
  }

  async site(workspaceId: string) {
    const key = await this.siteKey(workspaceId);
    const url = `${this.deps.publicUrl.replace(/\/$/, '')}/help/${key}`;
    return { key, url, portalUrl: `${url}/portal` };
  }

  /** The workspace a public help center key names, if any. */
  async workspaceOfKey(key: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('help_sites')
      .select('workspace_id')
      .where('site_key', '=', key)
      .executeTakeFirst();
    return row?.workspace_id ?? null;
  }

  // --- categories ---
  async categories(workspaceId: string): Promise<HelpCategory[]> {
    const rows = await this.db
      .selectFrom('help_categories')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('position')
      .orderBy('name')
      .execute();
    return rows.map(categoryOf);
  }

  async category(workspaceId: string, categoryId: string): Promise<HelpCategory> {
    const row = await this.db
      .selectFrom('help_categories')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('category_id', '=', categoryId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No help center category ${categoryId}`);
    return categoryOf(row);
  }

  async createCategory(workspaceId: string, input: NewHelpCategory, actorId: string | null) {
    const at = nowIso(this.deps.clock);
    const id = newId('helpCategory');
    let position = input.position;
    if (position === undefined) {
      const last = await this.db
        .selectFrom('help_categories')
        .select((eb) => eb.fn.max('position').as('max'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      position = last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1;
    }
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('help_categories')
        .values({
          workspace_id: workspaceId,
          category_id: id,
          name: input.name,
          description: input.description ?? '',
          position,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'help_category',
          entityId: id,
          action: 'create',
          after: input,
          at,
        },
      ]);
    });
    return this.category(workspaceId, id);
  }

  async updateCategory(workspaceId: string, id: string, patch: UpdateHelpCategory, actorId: string | null) {
    const before = await this.category(workspaceId, id);
    const at = nowIso(this.deps.clock);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('help_categories')
        .set({
          name: patch.name ?? before.name,
          description: patch.description ?? before.description,
          position: patch.position ?? before.position,
          updated_at: at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('category_id', '=', id)
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'help_category',
          entityId: id,
          action: 'update',
          before,
          after: patch,
          at,
        },
      ]);
    });
    return this.category(workspaceId, id);
  }

  /** Removes a category; its articles stay, without a category. */
  async deleteCategory(workspaceId: string, id: string, actorId: string | null): Promise<void> {
    const before = await this.category(workspaceId, id);
    const at = nowIso(this.deps.clock);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('help_articles')
        .set({ category_id: null })
        .where('workspace_id', '=', workspaceId)
        .where('category_id', '=', id)
        .execute();
      await trx
        .deleteFrom('help_categories')
        .where('workspace_id', '=', workspaceId)
        .where('category_id', '=', id)
        .execute();
      await recordCrmAudit(trx, [
        { workspaceId, actorId, entityType: 'help_category', entityId: id, action: 'delete', before, at },
      ]);
    });
  }

  // --- articles ---
  async list(workspaceId: string, query: HelpArticleQuery): Promise<HelpArticle[]> {
    let select = this.db.selectFrom('help_articles').selectAll().where('workspace_id', '=', workspaceId);
    if (query.categoryId !== undefined) select = select.where('category_id', '=', query.categoryId);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.visibility !== undefined) select = select.where('visibility', '=', query.visibility);
    // Words are letters and digits only: safe inside FTS5 and tsquery syntax.
    const words = searchWordsOf(query.q ?? '').slice(0, 8);
    if (words.length > 0) {
      if (this.deps.store.kind === 'sqlite') {
        const match = words.map((word) => `"${word}"*`).join(' AND ');
        select = select.where(
          sql<boolean>`article_id in (select article_id from help_articles_fts where help_articles_fts match ${match} and workspace_id = ${workspaceId})`,
        );
      } else {
        const tsquery = words.map((word) => `${word}:*`).join(' & ');
        select = select.where(
          sql<boolean>`to_tsvector('simple', search_text) @@ to_tsquery('simple', ${tsquery})`,
        );
      }
    }
    const rows = await select
      .orderBy('title')
      .orderBy('article_id')
      .limit(Number(query.limit ?? 100))
      .execute();
    const base = await this.baseUrl(workspaceId);
    return rows.map((row) => articleOf(row, base));
  }

  async get(workspaceId: string, articleId: string): Promise<HelpArticle> {
    const row = await this.db
      .selectFrom('help_articles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('article_id', '=', articleId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No help center article ${articleId}`);
    return articleOf(row, await this.baseUrl(workspaceId));
  }

  async create(workspaceId: string, input: NewHelpArticle, actorId: string | null): Promise<HelpArticle> {
    const at = nowIso(this.deps.clock);
    const id = newId('helpArticle');
    const status = input.status ?? 'draft';
    const body = input.body ?? '';
    const categoryId = input.categoryId ?? null;
    await this.assertCategory(workspaceId, categoryId);
    const slug = input.slug ?? (await this.freeSlug(workspaceId, slugOf(input.title)));
    await this.assertSlugFree(workspaceId, slug, null);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('help_articles')
        .values({
          workspace_id: workspaceId,
          article_id: id,
          title: input.title,
          slug,
          body,
          category_id: categoryId,
          status,
          visibility: input.visibility ?? 'public',
          search_text: searchTextOf(input.title, body),
          updated_by: actorId,
          created_at: at,
          updated_at: at,
          published_at: status === 'published' ? at : null,
        })
        .execute();
      await this.indexWithin(trx, workspaceId, id, searchTextOf(input.title, body));
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'help_article',
          entityId: id,
          action: 'create',
          after: { ...input, slug },
          at,
        },
      ]);
    });
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, patch: UpdateHelpArticle, actorId: string | null) {
    const before = await this.get(workspaceId, id);
    if (patch.categoryId !== undefined) await this.assertCategory(workspaceId, patch.categoryId);
    if (patch.slug !== undefined) await this.assertSlugFree(workspaceId, patch.slug, id);
    const at = nowIso(this.deps.clock);
    const title = patch.title ?? before.title;
    const body = patch.body ?? before.body;
    const status = patch.status ?? before.status;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('help_articles')
        .set({
          title,
          slug: patch.slug ?? before.slug,
          body,
          category_id: patch.categoryId === undefined ? before.categoryId : patch.categoryId,
          status,
          visibility: patch.visibility ?? before.visibility,
          search_text: searchTextOf(title, body),
          updated_by: actorId,
          updated_at: at,
          // First published now, or kept; a return to draft clears it.
          published_at: status === 'published' ? (before.publishedAt ?? at) : null,
        })
        .where('workspace_id', '=', workspaceId)
        .where('article_id', '=', id)
        .execute();
      await this.indexWithin(trx, workspaceId, id, searchTextOf(title, body));
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'help_article',
          entityId: id,
          action: 'update',
          before,
          after: patch,
          at,
        },
      ]);
    });
    return this.get(workspaceId, id);
  }

  async delete(workspaceId: string, id: string, actorId: string | null): Promise<void> {
    const before = await this.get(workspaceId, id);
    const at = nowIso(this.deps.clock);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('help_articles')
        .where('workspace_id', '=', workspaceId)
        .where('article_id', '=', id)
        .execute();
      await this.indexWithin(trx, workspaceId, id, null);
      await recordCrmAudit(trx, [
        { workspaceId, actorId, entityType: 'help_article', entityId: id, action: 'delete', before, at },
      ]);
    });
  }

  // --- what the public sees: published and public only ---
  async publicArticles(workspaceId: string, q?: string): Promise<PublicArticle[]> {
    const [articles, categories] = await Promise.all([
      this.list(workspaceId, { q, status: 'published', visibility: 'public', limit: 200 }),
      this.categories(workspaceId),
    ]);
    const names = new Map(categories.map((c) => [c.id, c.name]));
    return articles.map((a) => ({
      ...a,
      categoryName: a.categoryId ? (names.get(a.categoryId) ?? null) : null,
    }));
  }

  async publicArticle(workspaceId: string, slug: string): Promise<PublicArticle | null> {
    const row = await this.db
      .selectFrom('help_articles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('slug', '=', slug)
      .where('status', '=', 'published')
      .where('visibility', '=', 'public')
      .executeTakeFirst();
    if (!row) return null;
    const category = row.category_id
      ? await this.category(workspaceId, row.category_id).catch(() => null)
      : null;
    return { ...articleOf(row, await this.baseUrl(workspaceId)), categoryName: category?.name ?? null };
  }

  // --- internals ---
  /** SQLite's FTS5 table follows each write (PostgreSQL's index is on the column itself). */
  private async indexWithin(
    trx: Transaction<Database>,
    workspaceId: string,
    articleId: string,
    text: string | null,
  ) {
    if (this.deps.store.kind !== 'sqlite') return;
    await trx
      .deleteFrom('help_articles_fts')
      .where('workspace_id', '=', workspaceId)
      .where('article_id', '=', articleId)
      .execute();
    if (text !== null)
      await trx
        .insertInto('help_articles_fts')
        .values({ workspace_id: workspaceId, article_id: articleId, content: text })
        .execute();
  }

  private async baseUrl(workspaceId: string) {
    return (await this.site(workspaceId)).url;
  }

  private async assertCategory(workspaceId: string, categoryId: string | null) {
    if (categoryId === null) return;
    const found = await this.db
      .selectFrom('help_categories')
      .select('category_id')
      .where('workspace_id', '=', workspaceId)
      .where('category_id', '=', categoryId)
      .executeTakeFirst();
    if (!found) throw unprocessable('categoryId', `no category ${categoryId}`);
  }

  private async assertSlugFree(workspaceId: string, slug: string, exceptId: string | null) {
    const taken = await this.db
      .selectFrom('help_articles')
      .select('article_id')
      .where('workspace_id', '=', workspaceId)
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (taken && taken.article_id !== exceptId)
      throw new AppError('conflict', `Another article already has the slug "${slug}"`, {
        details: [{ path: 'slug', message: 'taken' }],
      });
  }

  /** The slug, or the slug with the first free `-2`, `-3`… */
  private async freeSlug(workspaceId: string, base: string): Promise<string> {
    const rows = await this.db
      .selectFrom('help_articles')
      .select('slug')
      .where('workspace_id', '=', workspaceId)
      .where('slug', 'like', `${base}%`)
      .execute();
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}

function searchTextOf(title: string, body: string): string {
  return searchWordsOf(`${title}\n${body}`).join(' ');
}

function categoryOf(row: Selectable<Database['help_categories']>): HelpCategory {
  return {
    id: row.category_id,
    name: row.name,
    description: row.description,
    position: Number(row.position),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function articleOf(row: Selectable<Database['help_articles']>, baseUrl: string): HelpArticle {
  const status = row.status as HelpArticle['status']; // written from the contract's enum
  const visibility = row.visibility as HelpArticle['visibility']; // written from the contract's enum
  return {
    id: row.article_id,
    title: row.title,
    slug: row.slug,
    body: row.body,
    categoryId: row.category_id,
    status,
    visibility,
    publicUrl: status === 'published' && visibility === 'public' ? `${baseUrl}/articles/${row.slug}` : null,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}
