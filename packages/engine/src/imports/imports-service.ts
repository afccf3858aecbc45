import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import type { ImportJob, ImportOptions } from '@tandem/contract';
import type { Selectable } from 'kysely';
import type { Collector } from '../collect/index.js';
import type { ActorId, DealImportSession } from '../crm/index.js';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import type { SourceRef } from '../sources/index.js';
import { type ImportsTable, nowIso, type Store } from '../store/index.js';
import { parseColumnMapping } from './column-mapping.js';
import { runDealImport } from './deal-import-runner.js';
import { parseDealMapping } from './deal-mapping.js';
import { type ImportProgress, runImport } from './import-runner.js';
import type { ImportFormat } from './read-rows.js';

const PROGRESS_EVERY_MS = 500;

/** Starts a deal import's session (handed in by the engine: deals sit beside imports, not below). */
export type DealImportsFactory = (
  workspaceId: string,
  options: { actorId: ActorId; currency?: string | undefined },
) => DealImportSession;

/** File imports run in the background; their progress is stored so any process can report it. */
export class ImportsService {
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private dealImports: DealImportsFactory | undefined;

  constructor(
    private readonly store: Store,
    private readonly collector: Collector,
  ) {}

  /** Lets `type: deal` imports run (the engine wires the CRM in once it is built). */
  importDealsWith(factory: DealImportsFactory): void {
    this.dealImports = factory;
  }

  /**
   * Starts importing a file already on disk (the upload is spooled first, so memory stays flat).
   * `removeWhenDone` deletes the spooled file afterwards.
   */
  async start(options: {
    source: SourceRef;
    filePath: string;
    bytesTotal: number;
    fileName: string;
    import: ImportOptions;
    removeWhenDone?: boolean;
    /** Who a deal import's changes are recorded as (audit trail, events). */
    actorId?: ActorId | undefined;
  }): Promise<ImportJob> {
    const settings = options.import;
    const invalid = (error: string) =>
      new AppError('validation_failed', `Invalid mapping: ${error}`, {
        details: [{ path: 'querystring.map', message: error }],
      });
    const dealImports = this.dealImports;
    let type: string;
    let runner: (input: ImportRequestParts) => Promise<ImportProgress>;
    if (settings.type === 'deal') {
      const mapping = parseDealMapping(settings.map);
      if (!mapping.ok) throw invalid(mapping.error);
      if (!dealImports) throw new AppError('unprocessable', 'Deal imports are not available here');
      if (settings.currency !== undefined && !/^[A-Za-z]{3}$/.test(settings.currency))
        throw new AppError('validation_failed', 'Invalid currency: a three-letter code like EUR', {
          details: [{ path: 'querystring.currency', message: 'a three-letter code like EUR' }],
        });
      type = 'deal';
      const session = dealImports(options.source.workspaceId, {
        actorId: options.actorId ?? null,
        currency: settings.currency,
      });
      runner = (parts) => runDealImport(session, { ...parts, mapping: mapping.value });
    } else {
      const mapping = parseColumnMapping(settings.map, { type: settings.type, event: settings.event });
      if (!mapping.ok) throw invalid(mapping.error);
      type = mapping.value.type;
      runner = (parts) =>
        runImport(this.collector, { ...parts, source: options.source, mapping: mapping.value });
    }
    const format = settings.format ?? (/\.(nd)?jsonl?$/i.test(options.fileName) ? 'ndjson' : 'csv');
    const row = {
      import_id: newId('import'),
      workspace_id: options.source.workspaceId,
      source_id: options.source.sourceId,
      file_name: options.fileName,
      format,
      mapping: settings.map,
      status: 'running',
      bytes_total: options.bytesTotal,
      bytes_read: 0,
      rows_read: 0,
      rows_stored: 0,
      rows_duplicate: 0,
      rows_rejected: 0,
      errors: '[]',
      failure: null,
      created_at: nowIso(),
      finished_at: null,
      type,
    };
    await this.store.db.insertInto('imports').values(row).execute();

    let bytesRead = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    });
    let lastSaved = 0;
    let latest = emptyProgress();
    // Saves run one after another, so a late progress write never overwrites the final one.
    let saving = Promise.resolve();
    const save = (progress: ImportProgress, final?: { status: string; failure: string | null }) => {
      latest = progress;
      saving = saving.then(() => this.saveProgress(row, { ...progress, bytesRead, ...final }));
      return saving;
    };
    const work = runner({
      input: createReadStream(options.filePath).pipe(counter),
      format,
      signal: this.shutdown.signal,
      onProgress: (progress) => {
        if (Date.now() - lastSaved < PROGRESS_EVERY_MS) return;
        lastSaved = Date.now();
        void save(progress);
      },
    })
      .then((progress) => save(progress, { status: 'completed', failure: null }))
      .catch((error: unknown) =>
        save(latest, { status: 'failed', failure: error instanceof Error ? error.message : String(error) }),
      )
      .finally(async () => {
        this.running.delete(work);
        if (options.removeWhenDone) await rm(options.filePath, { force: true });
      });
    this.running.add(work);
    return jobOf(row);
  }

  async get(workspaceId: string, importId: string): Promise<ImportJob> {
    const row = await this.store.db
      .selectFrom('imports')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_id', '=', importId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Import ${importId} not found`);
    return jobOf(row);
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('imports')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('import_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('import_id', '<', page.cursor);
    const rows = await query.execute();
    const data = rows.slice(0, page.limit).map(jobOf);
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** Imports left running by a stopped process will never finish: say so. */
  async failInterrupted(): Promise<void> {
    await this.store.db
      .updateTable('imports')
      .set({
        status: 'failed',
        failure: 'interrupted by a restart; run the import again (it will not duplicate)',
        finished_at: nowIso(),
      })
      .where('status', '=', 'running')
      .execute();
  }

  /** Waits for running imports to finish (tests, the CLI). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /** Stops running imports after their current batch, recording them as interrupted. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.settle();
  }

  private async saveProgress(
    row: { import_id: string; workspace_id: string },
    progress: ImportProgress & { bytesRead: number; status?: string; failure?: string | null },
  ): Promise<void> {
    const finished = progress.status !== undefined;
    await this.store.db
      .updateTable('imports')
      .set({
        bytes_read: progress.bytesRead,
        rows_read: progress.rowsRead,
        rows_stored: progress.rowsStored,
        rows_duplicate: progress.rowsDuplicate,
        rows_rejected: progress.rowsRejected,
        errors: JSON.stringify(progress.errors),
        ...(finished
          ? { status: progress.status, failure: progress.failure ?? null, finished_at: nowIso() }
          : {}),
      })
      .where('workspace_id', '=', row.workspace_id)
      .where('import_id', '=', row.import_id)
      .execute();
  }
}

/** What every runner is given: the file's stream and where to report progress. */
interface ImportRequestParts {
  input: Readable;
  format: ImportFormat;
  signal: AbortSignal;
  onProgress: (progress: ImportProgress) => void;
}

function emptyProgress(): ImportProgress {
  return { rowsRead: 0, rowsStored: 0, rowsDuplicate: 0, rowsRejected: 0, errors: [] };
}

function jobOf(row: Selectable<ImportsTable>): ImportJob {
  return {
    id: row.import_id,
    sourceId: row.source_id,
    fileName: row.file_name,
    // Written by this service from the contract's enums.
    format: row.format as ImportJob['format'],
    mapping: row.mapping,
    // Written by this service: a Segment call type or `deal`.
    type: row.type as ImportJob['type'],
    status: row.status as ImportJob['status'],
    bytesTotal: Number(row.bytes_total),
    bytesRead: Number(row.bytes_read),
    rowsRead: row.rows_read,
    rowsStored: row.rows_stored,
    rowsDuplicate: row.rows_duplicate,
    rowsRejected: row.rows_rejected,
    errors: JSON.parse(row.errors),
    failure: row.failure,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
