import type { Source } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { newId, newSecret } from '../ids/index.js';
import { type Database, nowIso, type Store } from '../store/index.js';

export type SourceKind = 'tracking' | 'internal' | 'webhook';
/** Write keys are ~25 characters; a longer one is refused before it reaches the store. */
const MAX_WRITE_KEY_LENGTH = 200;

export interface SourceRef {
  readonly sourceId: string;
  readonly workspaceId: string;
}

/** Sources: where events come from, each with its write key. */
export class SourcesService {
  // Write keys are checked on every tracking call; sources change rarely, so keep them in memory.
  private readonly byWriteKey = new Map<string, SourceRef | null>();
  // Publishable keys are checked on every personalization request: kept in memory the same way.
  private readonly byPublishableKey = new Map<string, SourceRef>();

  constructor(private readonly store: Store) {}

  async create(
    workspaceId: string,
    options: { name: string; writeKey?: string | undefined; kind?: SourceKind | undefined },
    db: Kysely<Database> = this.store.db,
  ): Promise<Source> {
    const row = {
      source_id: newId('source'),
      workspace_id: workspaceId,
      name: options.name,
      write_key: options.writeKey ?? newSecret('wk_', 18),
      kind: options.kind ?? 'tracking',
      publishable_key: newSecret('pk_', 18),
      created_at: nowIso(),
      deleted_at: null,
    };
    await db.insertInto('sources').values(row).execute();
    this.byWriteKey.delete(row.write_key);
    return sourceOf(row);
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('sources')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null)
      .orderBy('source_id')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('source_id', '>', page.cursor);
    const rows = await query.execute();
    const data = rows.slice(0, page.limit).map(sourceOf);
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  async get(workspaceId: string, sourceId: string): Promise<Source> {
    const row = await this.store.db
      .selectFrom('sources')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Source ${sourceId} not found`);
    return sourceOf(row);
  }

  async rename(workspaceId: string, sourceId: string, name: string): Promise<Source> {
    const result = await this.store.db
      .updateTable('sources')
      .set({ name })
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError('not_found', `Source ${sourceId} not found`);
    return this.get(workspaceId, sourceId);
  }

  /** Deletes a source: its write key stops working at once; its events stay in the log. */
  async remove(workspaceId: string, sourceId: string): Promise<void> {
    const source = await this.get(workspaceId, sourceId);
    if (source.kind === 'internal') {
      throw new AppError(
        'conflict',
        `Source ${sourceId} is Tandem's own (audience events) and cannot be deleted`,
      );
    }
    await this.store.db
      .updateTable('sources')
      .set({ deleted_at: nowIso() })
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .execute();
    if (source.writeKey) this.byWriteKey.delete(source.writeKey);
    if (source.publishableKey) this.byPublishableKey.delete(source.publishableKey);
  }

  /** Replaces a source's publishable key: the old one stops working at once (in this process). */
  async rotatePublishableKey(workspaceId: string, sourceId: string): Promise<Source> {
    const before = await this.get(workspaceId, sourceId);
    await this.store.db
      .updateTable('sources')
      .set({ publishable_key: newSecret('pk_', 18) })
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .execute();
    if (before.publishableKey) this.byPublishableKey.delete(before.publishableKey);
    return this.get(workspaceId, sourceId);
  }

  /**
   * The live source a publishable key belongs to, or undefined. Known keys are kept in memory;
   * a key deleted or rotated by another process keeps working there until it restarts.
   */
  async resolvePublishableKey(publishableKey: string): Promise<SourceRef | undefined> {
    const cached = this.byPublishableKey.get(publishableKey);
    if (cached !== undefined) return cached;
    if (publishableKey.length > MAX_WRITE_KEY_LENGTH) return undefined;
    const row = await this.store.db
      .selectFrom('sources')
      .select(['source_id', 'workspace_id'])
      .where('publishable_key', '=', publishableKey)
      .where('kind', '=', 'tracking')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const ref = { sourceId: row.source_id, workspaceId: row.workspace_id };
    this.byPublishableKey.set(publishableKey, ref);
    return ref;
  }

  /** The live source of a workspace with this id and kind (webhook sources' inbound calls). */
  async refOf(workspaceId: string, sourceId: string, kind: SourceKind): Promise<SourceRef | undefined> {
    const row = await this.store.db
      .selectFrom('sources')
      .select(['source_id', 'workspace_id'])
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .where('kind', '=', kind)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? { sourceId: row.source_id, workspaceId: row.workspace_id } : undefined;
  }

  /** An operator's reference to a source (its id or its write key), across workspaces. */
  async resolveReference(reference: string): Promise<SourceRef | undefined> {
    const byKey = await this.resolveWriteKey(reference);
    if (byKey) return byKey;
    const row = await this.store.db
      .selectFrom('sources')
      .select(['source_id', 'workspace_id'])
      .where('source_id', '=', reference)
      .where('kind', '=', 'tracking')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? { sourceId: row.source_id, workspaceId: row.workspace_id } : undefined;
  }

  /**
   * The live source a write key belongs to, or undefined. Internal sources (written by Tandem
   * itself) have no usable write key: their events must not be forged through the Tracking API.
   */
  async resolveWriteKey(writeKey: string): Promise<SourceRef | undefined> {
    const cached = this.byWriteKey.get(writeKey);
    if (cached !== undefined) return cached ?? undefined;
    if (writeKey.length > MAX_WRITE_KEY_LENGTH) return undefined;
    const row = await this.store.db
      .selectFrom('sources')
      .select(['source_id', 'workspace_id'])
      .where('write_key', '=', writeKey)
      .where('kind', '=', 'tracking')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const ref = row ? { sourceId: row.source_id, workspaceId: row.workspace_id } : null;
    // Unknown keys are not cached: a key created by another process must start working.
    if (ref) this.byWriteKey.set(writeKey, ref);
    return ref ?? undefined;
  }
}

function sourceOf(row: {
  source_id: string;
  name: string;
  write_key: string;
  publishable_key: string | null;
  kind: string;
  created_at: string;
}): Source {
  const kind = row.kind === 'internal' || row.kind === 'webhook' ? row.kind : 'tracking';
  return {
    id: row.source_id,
    name: row.name,
    // An internal source's key is never handed out: nothing outside Tandem writes to it. A
    // webhook source is written through its inbound URL only: the Tracking API refuses its key.
    ...(kind === 'tracking' ? { writeKey: row.write_key } : {}),
    // Only tracking sources are on websites, where the personalization API is called from.
    ...(kind === 'tracking' && row.publishable_key ? { publishableKey: row.publishable_key } : {}),
    kind,
    createdAt: row.created_at,
  };
}
