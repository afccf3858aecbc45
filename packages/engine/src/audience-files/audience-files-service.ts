import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type {
  AudienceFile,
  AudienceFileKind,
  AudienceFileListQuery,
  DestinationConfig,
} from '@tandem/contract';
import type { Kysely, Selectable } from 'kysely';
import type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TargetCheck,
  TransportKind,
} from '../destinations/index.js';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { type Database, nowIso, type Store, writeTransaction } from '../store/index.js';
import { folderProblem } from './audience-file-folder.js';
import {
  type AudienceFileFormat,
  extensionOf,
  type FileProfile,
  headerOf,
  type LineContext,
  lineOf,
} from './file-formats.js';

// Audience files: an audience's full export, then per UTC hour the profiles that entered it
// (additions) and left it (removals). A file holds a profile once, so a retried delivery adds
// nothing; a profile that enters and leaves within the hour ends in one of the two files only (the
// last change wins), so each hour's pair is the net change. Lines are kept in the store; with a
// `directory` the files are also written there as they grow.

export type FileRow = Selectable<Database['audience_files']>;
type Config = DestinationConfig<'audience-file'>;

/** Lines of a full export written per transaction. */
const FULL_BATCH = 500;

/** `items` in slices small enough for one statement's parameters. */
function* chunksOf<T>(items: readonly T[], size = 500): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export interface AudienceFilesOptions {
  /** The clock that decides an incremental line's hour (tests move it). */
  readonly clock?: (() => number) | undefined;
  /**
   * The folder destinations' `directory` must lie in (a relative one is taken inside it). Unset:
   * any folder the process can write to.
   */
  readonly directoryRoot?: string | undefined;
}

/** A full export's input. */
export interface FullExport {
  readonly workspaceId: string;
  readonly destinationId: string;
  readonly config: Config;
  readonly audience: { readonly id: string; readonly name: string };
  /** The audience's members (profile with traits and identities), in any order. */
  readonly members: AsyncIterable<FileProfile>;
}

/** One incremental line to add, from one delivery. */
interface Change {
  readonly audience: { id: string; name: string };
  readonly kind: 'additions' | 'removals';
  readonly profileId: string;
  readonly line: string | undefined;
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function fileNameOf(row: Pick<FileRow, 'audience_id' | 'kind' | 'bucket' | 'format'>): string {
  return `${row.audience_id}/${row.kind}-${row.bucket}.${extensionOf(row.format as AudienceFileFormat)}`;
}

/** Writes a file anew from its stored lines (a profile left it), through a temporary file. */
export async function rewriteOnDisk(db: Kysely<Database>, file: FileRow): Promise<void> {
  if (!file.path) return;
  const rows = await db
    .selectFrom('audience_file_rows')
    .select('line')
    .where('workspace_id', '=', file.workspace_id)
    .where('file_id', '=', file.file_id)
    .orderBy('row_key')
    .execute();
  const header = headerOf(file.format as AudienceFileFormat);
  await replaceFile(file.path, [...(header === undefined ? [] : [header]), ...rows.map((r) => r.line)]);
}

/** Moves a file's line count by `delta` (lines added or taken out). */
export async function addToRowCount(
  db: Kysely<Database>,
  change: { workspaceId: string; fileId: string; delta: number; now: string },
): Promise<void> {
  await db
    .updateTable('audience_files')
    .set((eb) => ({ row_count: eb('row_count', '+', change.delta), updated_at: change.now }))
    .where('workspace_id', '=', change.workspaceId)
    .where('file_id', '=', change.fileId)
    .execute();
}

/** Replaces a file by these lines, through a temporary file: a reader sees the old or the new. */
export async function replaceFile(path: string, lines: readonly string[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await rename(temporary, path);
}

function fileOf(row: FileRow): AudienceFile {
  return {
    id: row.file_id,
    destinationId: row.destination_id,
    audience: { id: row.audience_id, name: row.audience_name },
    kind: row.kind as AudienceFileKind,
    format: row.format as AudienceFileFormat,
    fileName: fileNameOf(row),
    rows: Number(row.row_count),
    path: row.path,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class AudienceFilesService {
  private readonly clock: () => number;
  /** Directory writes run one at a time per process: a file is never appended to twice at once. */
  private fileTurn: Promise<unknown> = Promise.resolve();
  private readonly directoryRoot: string | undefined;
  /** Whether a destination of the workspace exists (the destinations domain answers, once wired). */
  private destinationExists: (workspaceId: string, destinationId: string) => Promise<boolean>;

  constructor(
    private readonly store: Store,
    options: AudienceFilesOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.directoryRoot = options.directoryRoot === undefined ? undefined : resolve(options.directoryRoot);
    // Until the destinations domain is wired in: a destination is known by its files.
    this.destinationExists = async (workspaceId, destinationId) =>
      (await this.store.db
        .selectFrom('audience_files')
        .select('file_id')
        .where('workspace_id', '=', workspaceId)
        .where('destination_id', '=', destinationId)
        .limit(1)
        .executeTakeFirst()) !== undefined;
  }

  /** How a destination's existence is checked before its files are listed (the destinations domain). */
  checkDestinationsWith(exists: (workspaceId: string, destinationId: string) => Promise<boolean>): void {
    this.destinationExists = exists;
  }

  /**
   * The configuration with its directory made absolute, or why it is refused: outside the root,
   * a destination could write files wherever the server may.
   */
  private placed(config: Config): { ok: true; config: Config } | { ok: false; error: string } {
    if (config.directory === undefined) return { ok: true, config };
    const root = this.directoryRoot;
    if (root === undefined) return { ok: true, config: { ...config, directory: resolve(config.directory) } };
    const directory = resolve(root, config.directory);
    if (directory !== root && !directory.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) {
      return {
        ok: false,
        error: `The directory ${config.directory} is outside ${root}, where audience files may be written (TANDEM_AUDIENCE_FILES_DIR)`,
      };
    }
    return { ok: true, config: { ...config, directory } };
  }

  /** The `audience-file` transport: writes audience.entered / exited deliveries into hourly files. */
  readonly transportKind: TransportKind<'audience-file'> = {
    type: 'audience-file',
    open: async (context) => {
      let closed = false;
      const transport: DestinationTransport = {
        send: async (messages) => {
          if (closed)
            return messages.map(() => ({ ok: false, retryable: true, error: 'The transport is closed' }));
          return this.writeChanges(context.workspaceId, context.destinationId, context.config, messages);
        },
        // A test writes no sample file: it checks where the files would go.
        check: () => this.checkFolder(context.config),
        close: async () => {
          closed = true;
        },
      };
      return transport;
    },
  };

  /** Whether the destination's files can be written where they go, writing nothing. */
  private async checkFolder(config: Config): Promise<TargetCheck> {
    if (config.directory === undefined)
      return {
        ok: true,
        checked:
          'The files are kept in Tandem’s store, to download from the destination’s page: nothing to connect to; no file was written',
      };
    const placed = this.placed(config);
    const folder = (placed.ok ? placed.config.directory : undefined) ?? config.directory;
    const checked = `Checked that the folder ${folder} can be written in; no file was written`;
    if (!placed.ok) return { ok: false, checked, error: placed.error };
    const problem = await folderProblem(folder);
    return problem === undefined ? { ok: true, checked } : { ok: false, checked, error: problem };
  }

  private async writeChanges(
    workspaceId: string,
    destinationId: string,
    config: Config,
    messages: readonly DeliveryMessage[],
  ): Promise<DeliveryOutcome[]> {
    const placed = this.placed(config);
    if (!placed.ok) return messages.map(() => ({ ok: false, retryable: false, error: placed.error }));
    return this.writePlaced(workspaceId, destinationId, placed.config, messages);
  }

  private async writePlaced(
    workspaceId: string,
    destinationId: string,
    config: Config,
    messages: readonly DeliveryMessage[],
  ): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    const changes: Change[] = [];
    for (const message of messages) {
      const change = changeOf(config.format, message);
      if (typeof change === 'string') outcomes.push({ ok: false, retryable: false, error: change });
      else {
        changes.push(change);
        outcomes.push({ ok: true });
      }
    }
    if (changes.length === 0) return outcomes;
    try {
      await this.inFileTurn(config, () => this.applyChanges(workspaceId, destinationId, config, changes));
      return outcomes;
    } catch (error) {
      const text = `Writing the audience file failed: ${error instanceof Error ? error.message : String(error)}`;
      return outcomes.map((outcome) => (outcome.ok ? { ok: false, retryable: true, error: text } : outcome));
    }
  }

  private inFileTurn<T>(config: Config, work: () => Promise<T>): Promise<T> {
    if (!config.directory) return work();
    return this.inDirectoryTurn(work);
  }

  /** Runs `work` when no other write to a directory is under way (a person's lines taken out). */
  inDirectoryTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.fileTurn.then(work);
    this.fileTurn = turn.catch(() => undefined);
    return turn;
  }

  private async applyChanges(
    workspaceId: string,
    destinationId: string,
    config: Config,
    changes: readonly Change[],
  ) {
    const now = nowIso(this.clock);
    const bucket = now.slice(0, 13);
    // Within a batch only each profile's last change per audience counts (as if applied in turn).
    const last = new Map<string, Change>();
    for (const change of changes) {
      const key = `${change.audience.id}\u0000${change.profileId}`;
      last.delete(key);
      last.set(key, change);
    }
    const groups = new Map<string, Change[]>();
    for (const change of last.values()) {
      const key = `${change.audience.id}\u0000${change.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), change]);
    }
    await writeTransaction(this.store, async (trx) => {
      /** New lines per file to append on disk; files whose lines were taken out, to write anew. */
      const appended = new Map<string, { file: FileRow; lines: string[] }>();
      const rewritten = new Map<string, FileRow>();
      for (const group of groups.values()) {
        const { audience, kind } = group[0]!;
        const opposite = kind === 'additions' ? 'removals' : 'additions';
        // The last change of the hour wins: its profiles leave the other file of the pair.
        const other = await this.findFile(trx, workspaceId, destinationId, audience.id, opposite, bucket);
        if (other) {
          let removed = 0;
          for (const keys of chunksOf(group.map((c) => c.profileId))) {
            const result = await trx
              .deleteFrom('audience_file_rows')
              .where('workspace_id', '=', workspaceId)
              .where('file_id', '=', other.file_id)
              .where('row_key', 'in', keys)
              .executeTakeFirst();
            removed += Number(result.numDeletedRows);
          }
          if (removed > 0) {
            await this.setCount(trx, workspaceId, other.file_id, -removed, now);
            if (config.directory) rewritten.set(other.file_id, other);
          }
        }
        const lines = group.filter((c): c is Change & { line: string } => c.line !== undefined);
        if (lines.length === 0) continue;
        const file =
          (await this.findFile(trx, workspaceId, destinationId, audience.id, kind, bucket)) ??
          (await this.createFile(trx, { workspaceId, destinationId, config, audience, kind, bucket, now }));
        const added: string[] = [];
        for (const chunk of chunksOf(lines)) {
          const inserted = await trx
            .insertInto('audience_file_rows')
            .values(
              chunk.map((c) => ({
                workspace_id: workspaceId,
                file_id: file.file_id,
                row_key: c.profileId,
                profile_id: c.profileId,
                line: c.line,
              })),
            )
            .onConflict((oc) => oc.columns(['workspace_id', 'file_id', 'row_key']).doNothing())
            .returning('row_key')
            .execute();
          const fresh = new Set(inserted.map((r) => r.row_key));
          for (const c of chunk) if (fresh.has(c.profileId)) added.push(c.line);
        }
        if (added.length === 0) continue;
        await this.setCount(trx, workspaceId, file.file_id, added.length, now);
        if (config.directory) appended.set(file.file_id, { file, lines: added });
      }
      // On disk before the commit: a failed write rolls the lines back, and the retry writes them.
      for (const [fileId, entry] of appended) {
        if (!rewritten.has(fileId)) await this.appendToDisk(entry.file, entry.lines);
      }
      for (const file of rewritten.values()) await rewriteOnDisk(trx, file);
    });
  }

  private findFile(
    db: Kysely<Database>,
    workspaceId: string,
    destinationId: string,
    audienceId: string,
    kind: string,
    bucket: string,
  ): Promise<FileRow | undefined> {
    return db
      .selectFrom('audience_files')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .where('audience_id', '=', audienceId)
      .where('kind', '=', kind)
      .where('bucket', '=', bucket)
      .executeTakeFirst();
  }

  private async createFile(
    db: Kysely<Database>,
    input: {
      workspaceId: string;
      destinationId: string;
      config: Config;
      audience: { id: string; name: string };
      kind: AudienceFileKind;
      bucket: string;
      now: string;
    },
  ): Promise<FileRow> {
    const row: FileRow = {
      workspace_id: input.workspaceId,
      file_id: newId('audienceFile'),
      destination_id: input.destinationId,
      audience_id: input.audience.id,
      audience_name: input.audience.name,
      kind: input.kind,
      format: input.config.format,
      bucket: input.bucket,
      path: null,
      row_count: 0,
      created_at: input.now,
      updated_at: input.now,
    };
    if (input.config.directory) row.path = join(input.config.directory, fileNameOf(row));
    // Two sends of the same hour at once: the second finds the first one's file.
    await db
      .insertInto('audience_files')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'destination_id', 'audience_id', 'kind', 'bucket']).doNothing(),
      )
      .execute();
    const created = await this.findFile(
      db,
      input.workspaceId,
      input.destinationId,
      input.audience.id,
      input.kind,
      input.bucket,
    );
    if (!created) throw new Error('The audience file could not be created');
    return created;
  }

  private async setCount(
    db: Kysely<Database>,
    workspaceId: string,
    fileId: string,
    delta: number,
    now: string,
  ) {
    await addToRowCount(db, { workspaceId, fileId, delta, now });
  }

  private async appendToDisk(file: FileRow, lines: readonly string[]): Promise<void> {
    if (!file.path || lines.length === 0) return;
    await mkdir(dirname(file.path), { recursive: true });
    const header = headerOf(file.format as AudienceFileFormat);
    const text = `${lines.join('\n')}\n`;
    try {
      // The header goes in with the first lines, when the file is created.
      await writeFile(file.path, header === undefined ? text : `${header}\n${text}`, { flag: 'wx' });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      await appendFile(file.path, text);
    }
  }

  /**
   * Exports every member of an audience as one full file (on destination or subscription
   * creation, and whenever a fresh start is wanted). With a `directory` the file is written there
   * only; otherwise its lines are kept in the store.
   */
  async exportFull(input: FullExport): Promise<AudienceFile> {
    const now = nowIso(this.clock);
    const { workspaceId } = input;
    const placed = this.placed(input.config);
    if (!placed.ok) throw new AppError('unprocessable', placed.error);
    const config = placed.config;
    const format = config.format;
    const context: LineContext = { audience: input.audience, occurredAt: now };
    // Two exports in one millisecond get distinct buckets through the file id.
    const fileId = newId('audienceFile');
    const row: FileRow = {
      workspace_id: workspaceId,
      file_id: fileId,
      destination_id: input.destinationId,
      audience_id: input.audience.id,
      audience_name: input.audience.name,
      kind: 'full',
      format,
      bucket: `${now.replace(/[:.]/g, '-')}-${fileId.slice(-6)}`,
      path: null,
      row_count: 0,
      created_at: now,
      updated_at: now,
    };
    const seen = new Set<string>();
    if (config.directory) {
      const path = join(config.directory, fileNameOf(row));
      row.path = path;
      // The folder refused (missing rights, a file in its place): the destination's to fix.
      const onDisk = async (write: () => Promise<unknown>) => {
        try {
          await write();
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new AppError('unprocessable', `The audience file could not be written to ${path}: ${reason}`);
        }
      };
      await onDisk(() => mkdir(dirname(path), { recursive: true }));
      const temporary = `${path}.${process.pid}.tmp`;
      const header = headerOf(format);
      await onDisk(() => writeFile(temporary, header === undefined ? '' : `${header}\n`));
      let chunk: string[] = [];
      for await (const profile of input.members) {
        if (seen.has(profile.id)) continue;
        seen.add(profile.id);
        const line = lineOf(format, profile, context);
        if (line === undefined) continue;
        chunk.push(line);
        if (chunk.length >= FULL_BATCH) {
          await onDisk(() => appendFile(temporary, `${chunk.join('\n')}\n`));
          row.row_count += chunk.length;
          chunk = [];
        }
      }
      if (chunk.length > 0) await onDisk(() => appendFile(temporary, `${chunk.join('\n')}\n`));
      row.row_count += chunk.length;
      // Complete or absent: a reader never sees half an export.
      await onDisk(() => rename(temporary, path));
      row.updated_at = nowIso(this.clock);
      await this.store.db.insertInto('audience_files').values(row).execute();
      return fileOf(row);
    }
    await this.store.db.insertInto('audience_files').values(row).execute();
    let batch: {
      workspace_id: string;
      file_id: string;
      row_key: string;
      profile_id: string;
      line: string;
    }[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      await writeTransaction(this.store, async (trx) => {
        await trx.insertInto('audience_file_rows').values(rows).execute();
        await this.setCount(trx, workspaceId, fileId, rows.length, nowIso(this.clock));
      });
      row.row_count += rows.length;
    };
    for await (const profile of input.members) {
      if (seen.has(profile.id)) continue;
      seen.add(profile.id);
      const line = lineOf(format, profile, context);
      if (line === undefined) continue;
      batch.push({
        workspace_id: workspaceId,
        file_id: fileId,
        row_key: profile.id,
        profile_id: profile.id,
        line,
      });
      if (batch.length >= FULL_BATCH) await flush();
    }
    await flush();
    return this.get(workspaceId, input.destinationId, fileId);
  }

  /** A destination's files, newest first. */
  async list(
    workspaceId: string,
    destinationId: string,
    query: AudienceFileListQuery,
  ): Promise<{ data: AudienceFile[]; nextCursor: string | null }> {
    if (!(await this.destinationExists(workspaceId, destinationId))) {
      throw new AppError('not_found', `Destination ${destinationId} not found`);
    }
    let select = this.store.db
      .selectFrom('audience_files')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .orderBy('file_id', 'desc')
      .limit(query.limit + 1);
    if (query.audienceId) select = select.where('audience_id', '=', query.audienceId);
    if (query.kind) select = select.where('kind', '=', query.kind);
    if (query.cursor) select = select.where('file_id', '<', query.cursor);
    const rows = await select.execute();
    const data = rows.slice(0, query.limit).map(fileOf);
    return { data, nextCursor: rows.length > query.limit ? (data.at(-1)?.id ?? null) : null };
  }

  async get(workspaceId: string, destinationId: string, fileId: string): Promise<AudienceFile> {
    const row = await this.row(workspaceId, destinationId, fileId);
    return fileOf(row);
  }

  private async row(workspaceId: string, destinationId: string, fileId: string): Promise<FileRow> {
    const row = await this.store.db
      .selectFrom('audience_files')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Audience file ${fileId} not found`);
    return row;
  }

  /**
   * The file's content, in chunks: read from disk when it was written to a directory, else the
   * header and the stored lines.
   */
  async content(
    workspaceId: string,
    destinationId: string,
    fileId: string,
  ): Promise<AsyncIterable<string | Buffer>> {
    const row = await this.row(workspaceId, destinationId, fileId);
    const path = row.path;
    if (path && row.kind === 'full') {
      return createReadStream(path).on('error', () => undefined) as AsyncIterable<Buffer>;
    }
    const db = this.store.db;
    const header = headerOf(row.format as AudienceFileFormat);
    return (async function* () {
      if (header !== undefined) yield `${header}\n`;
      let after: string | undefined;
      for (;;) {
        let select = db
          .selectFrom('audience_file_rows')
          .select(['row_key', 'line'])
          .where('workspace_id', '=', workspaceId)
          .where('file_id', '=', fileId)
          .orderBy('row_key')
          .limit(FULL_BATCH);
        if (after !== undefined) select = select.where('row_key', '>', after);
        const rows = await select.execute();
        if (rows.length === 0) return;
        yield `${rows.map((r) => r.line).join('\n')}\n`;
        after = rows.at(-1)?.row_key;
      }
    })();
  }
}

/** The change a delivery makes, or why it cannot be written (retrying cannot help). */
function changeOf(format: AudienceFileFormat, message: DeliveryMessage): Change | string {
  if (message.type !== 'audience.entered' && message.type !== 'audience.exited') {
    return `An audience-file destination writes audience entered / exited deliveries, not ${message.type}`;
  }
  const audience = asRecord(message.body.audience);
  const profile = asRecord(message.body.profile);
  if (typeof audience?.id !== 'string' || !profile) {
    return 'Audience files read the contract’s delivery body (audience and profile): remove the subscription’s mapping';
  }
  const audienceRef = {
    id: audience.id,
    name: typeof audience.name === 'string' ? audience.name : audience.id,
  };
  const profileId = typeof profile.id === 'string' ? profile.id : message.profileId;
  const occurredAt =
    typeof message.body.occurredAt === 'string' ? message.body.occurredAt : message.occurredAt;
  const fileProfile: FileProfile = {
    id: profileId,
    traits: asRecord(profile.traits),
    identities: Array.isArray(profile.identities)
      ? (profile.identities as unknown[]).flatMap((i) => {
          const r = asRecord(i);
          return typeof r?.type === 'string' && typeof r.value === 'string'
            ? [{ type: r.type, value: r.value }]
            : [];
        })
      : undefined,
  };
  return {
    audience: audienceRef,
    kind: message.type === 'audience.entered' ? 'additions' : 'removals',
    profileId,
    line: lineOf(format, fileProfile, { audience: audienceRef, occurredAt }),
  };
}
