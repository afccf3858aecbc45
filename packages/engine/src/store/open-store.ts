import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { StoreKind } from './dialect.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import type { Database } from './schema.js';
import { SearchPathPostgresDialect } from './search-path-dialect.js';
import { withStatementCache } from './statement-cache.js';
import { startWalCheckpointer, WAL_SAFETY_NET_PAGES } from './wal-checkpointer.js';
import { WriteTurn } from './write-turn.js';

/** How much of a SQLite file its connections map into memory (SQLite caps it at 2 GB). */
const MMAP_BYTES = 2 ** 31;

/** Where the data lives. A `postgres://` URL selects PostgreSQL, otherwise embedded SQLite. */
export interface StoreOptions {
  /** `postgres://…` for PostgreSQL. */
  readonly databaseUrl?: string | undefined;
  /** Folder of the embedded SQLite file (`tandem.db`), created when missing. */
  readonly dataDir?: string | undefined;
  /** SQLite file path, overriding `dataDir` (`:memory:` for throwaway stores). */
  readonly sqliteFile?: string | undefined;
  /** PostgreSQL schema to work in (created when missing); isolates test runs. */
  readonly postgresSchema?: string | undefined;
  /** PostgreSQL pool size. */
  readonly poolSize?: number | undefined;
  /** Checkpoint a SQLite file's WAL from threads of its own. Default true; off for extra connections. */
  readonly walCheckpointer?: boolean | undefined;
  /** SQLite page cache per connection, in MB. Default 64 (see openSqlite). */
  readonly pageCacheMb?: number | undefined;
  /** SQLite: the write turn shared with the main thread, when this store is the pipeline thread's. */
  readonly pipelineWriteTurn?: SharedArrayBuffer | undefined;
}

/** An open store: the typed query builder plus what the engine must know about the engine. */
export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** The raw SQLite handle, for the few hot paths that use prepared statements directly. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  /** SQLite: turns at the write lock between this process's threads (see write-turn.ts). */
  readonly writeTurn: WriteTurn | undefined;
  /** The PostgreSQL schema worked in, when not the default search path. */
  readonly postgresSchema: string | undefined;
  /** Where the data is, for logs (never includes a password). */
  readonly location: string;
  /** SQLite file stores: copies the WAL back and truncates it from the checkpointer's thread. */
  readonly truncateWal?: (() => Promise<boolean>) | undefined;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** The embedded store's file in a data folder (what `openStore` opens without `sqliteFile`). */
export function sqliteStorePath(dataDir: string): string {
  return join(dataDir, 'tandem.db');
}

export async function openStore(options: StoreOptions): Promise<Store> {
  return isPostgresUrl(options.databaseUrl)
    ? openPostgres(options.databaseUrl, options)
    : openSqlite(options);
}

function openSqlite(options: StoreOptions): Store {
  let file = options.sqliteFile;
  if (file === undefined) {
    const dataDir = options.dataDir ?? './data';
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    restrictMode(dataDir, 0o700);
    file = sqliteStorePath(dataDir);
  }
  if (file !== ':memory:') restrictDatabaseFiles(file);
  const sqlite = openSqliteConnection(file, options.pageCacheMb);
  // A file store checkpoints from threads of its own (wal-checkpointer.ts).
  const writeTurn =
    options.pipelineWriteTurn === undefined
      ? new WriteTurn()
      : new WriteTurn(options.pipelineWriteTurn, 'pipeline');
  const checkpointer =
    file === ':memory:' || options.walCheckpointer === false
      ? undefined
      : startWalCheckpointer(file, writeTurn);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, writeTurn),
  });
  return {
    kind: 'sqlite',
    db,
    sqlite,
    writeTurn,
    postgresSchema: undefined,
    location: file,
    truncateWal: checkpointer?.truncate,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  // The driver loads for PostgreSQL stores only: an embedded store's threads never hold it.
  const { default: pg } = await import('pg');
  const schema = options.postgresSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}"`);
  }
  if (schema !== undefined) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // bigint (int8) as a number: log sequence numbers stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new SearchPathPostgresDialect({ pool }) });
  const safeUrl = new URL(url);
  safeUrl.password = '';
  return {
    kind: 'postgres',
    db,
    sqlite: undefined,
    writeTurn: undefined,
    postgresSchema: schema,
    location: `${safeUrl.toString()}${schema ? ` (schema ${schema})` : ''}`,
    close: () => db.destroy(),
  };
}

/**
 * The database holds personal data: only its owner may read it. The file is created 0600 before
 * SQLite opens it (SQLite gives its -wal and -shm files the database file's mode); files left by
 * an older version are tightened.
 */
function restrictDatabaseFiles(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) restrictMode(path, 0o600);
  }
}

function restrictMode(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    // A folder the operator chose but does not own (a mount point) keeps its mode.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error; // fs errors carry a code
  }
}

/**
 * A SQLite connection as every Tandem thread opens one (the main thread's store, the pipeline
 * thread's, the log writer thread's).
 */
export function openSqliteConnection(file: string, pageCacheMb = 16): BetterSqlite3.Database {
  const sqlite = new BetterSqlite3(file);
  // WAL: readers never block the writer. synchronous=NORMAL stays durable across a process
  // crash (the WAL is written before commit returns); only an OS crash can lose the last commits.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Deleted rows are overwritten with zeros: a privacy deletion leaves no copy in free pages.
  sqlite.pragma('secure_delete = ON');
  // SQLite's default page cache is 2 MB: a pipeline batch touches more index pages than that and
  // would re-read them (and spill dirty ones) every time. 16 MB per connection keeps the hot
  // parts of the indexes in memory; clean pages beyond it are read through the mapping below,
  // and each thread's connection has its own cache, so more costs memory several times over.
  sqlite.pragma(`cache_size = ${-1024 * pageCacheMb}`);
  // Reads past that cache (point reads over a large store: the personalization API, profile
  // pages) map the file instead of copying each page in with a system call: the OS page cache is
  // then the cache, shared by every connection. SQLite caps the mapping (2 GB in this build);
  // pages beyond it are read as before.
  if (file !== ':memory:') sqlite.pragma(`mmap_size = ${MMAP_BYTES}`);
  // Sorts and IN-lists of audience queries (hundreds of thousands of ids) stay in memory.
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoints are the checkpointer threads' (wal-checkpointer.ts): SQLite's own, inside a
  // commit every 4 MB of WAL, would sit on the critical path of ingestion or the pipeline.
  // The built-in one stays as a safety net at 4 GB of WAL, should that thread ever fall behind.
  if (file !== ':memory:') sqlite.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
  return sqlite;
}
