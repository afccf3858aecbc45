import { Readable } from 'node:stream';
import type { AuditChainReport, AuditEntry, AuditLogQuery } from '@tandem/contract';
import { type CsvCell, csvOfPages } from '../saved-views/index.js';
import { nowIso, type Store } from '../store/index.js';
import { pruneAuditEntries } from './audit-prune.js';
import { type AuditFilters, auditEntryOf, selectEntries } from './audit-queries.js';
import type { AuditRecord } from './audit-record.js';
import { AuditRecorder, type AuditRecorderOptions } from './audit-recorder.js';
import { verifyChain } from './audit-verify.js';

const EXPORT_PAGE = 1000;
const EXPORT_COLUMNS = [
  'seq',
  'at',
  'actorKind',
  'actorId',
  'action',
  'method',
  'route',
  'status',
  'profileId',
  'entityIds',
  'before',
  'after',
  'erased',
  'hash',
] as const;

async function* ndjsonOf(pages: AsyncGenerator<AuditEntry[]>): AsyncGenerator<string> {
  for await (const page of pages) yield page.map((entry) => `${JSON.stringify(entry)}\n`).join('');
}

/** Entries as CSV cells: nested values (ids, before, after) as JSON text. */
async function* csvRowsOf(pages: AsyncGenerator<AuditEntry[]>): AsyncGenerator<Record<string, CsvCell>[]> {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  for await (const page of pages) {
    yield page.map((entry) => ({
      ...entry,
      entityIds: json(entry.entityIds),
      before: json(entry.before),
      after: json(entry.after),
    }));
  }
}

/** Cursor of the audit list: the seq of the last entry shown. */
function seqOfCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const seq = Number(cursor);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : 0;
}

/**
 * The audit log: every read of a person's data and every change, per workspace, in a hash
 * chain. Recording is batched (`record` returns at once); reading, exporting and verifying go
 * straight to the store.
 */
export class AuditLogService {
  readonly recorder: AuditRecorder;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    recorder: AuditRecorderOptions = {},
  ) {
    this.recorder = new AuditRecorder(store, recorder);
  }

  /** Queues a record for the next batch. */
  record(record: AuditRecord): void {
    this.recorder.record(record);
  }

  /** Writes what is queued (tests, shutdown). */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  /** A page of entries, newest first. */
  async list(
    workspaceId: string,
    query: AuditLogQuery,
  ): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
    const rows = await selectEntries(this.store.db, workspaceId, query, {
      beforeSeq: seqOfCursor(query.cursor),
      limit: query.limit + 1,
    });
    const data = rows.slice(0, query.limit).map(auditEntryOf);
    const last = data.at(-1);
    return { data, nextCursor: rows.length > query.limit && last ? String(last.seq) : null };
  }

  /** Every entry matching the filters, newest first, a page at a time. */
  async *pages(workspaceId: string, filters: AuditFilters): AsyncGenerator<AuditEntry[]> {
    let beforeSeq: number | undefined;
    for (;;) {
      const rows = await selectEntries(this.store.db, workspaceId, filters, {
        beforeSeq,
        limit: EXPORT_PAGE,
      });
      if (rows.length > 0) yield rows.map(auditEntryOf);
      const last = rows.at(-1);
      if (rows.length < EXPORT_PAGE || !last) return;
      beforeSeq = Number(last.seq);
    }
  }

  /** The entries matching the filters as a download: one JSON object a line, or CSV. */
  exportFile(workspaceId: string, filters: AuditFilters, format: 'ndjson' | 'csv'): Readable {
    const pages = this.pages(workspaceId, filters);
    if (format === 'csv') return csvOfPages(EXPORT_COLUMNS, csvRowsOf(pages));
    return Readable.from(ndjsonOf(pages));
  }

  /** Checks the workspace's chain; queued records are written first so they are included. */
  async verify(workspaceId: string): Promise<AuditChainReport> {
    await this.flush();
    return verifyChain(this.store.db, workspaceId, nowIso(this.clock));
  }

  /** Workspaces with an audit chain (the CLI verifies them all). */
  async workspaces(): Promise<string[]> {
    const heads = await this.store.db
      .selectFrom('audit_heads')
      .select('workspace_id')
      .orderBy('workspace_id')
      .execute();
    return heads.map((head) => head.workspace_id);
  }

  /** Retention: removes up to `limit` of the oldest entries made before `before`. */
  prune(options: { workspaceId: string; before: string; limit: number }): Promise<number> {
    return pruneAuditEntries(this.store, options);
  }
}
