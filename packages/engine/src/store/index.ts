export {
  daysBetween,
  fromJson,
  jsonText,
  lockedForUpdate,
  mayHoldUnportableText,
  nowIso,
  type StoreKind,
  toJson,
  toPortableText,
  toPortableValue,
} from './dialect.js';
export {
  binaryText,
  type JsonValueSql,
  jsonListSql,
  jsonValueSql,
  textContains,
  textEndsWith,
  textStartsWith,
} from './json-value-sql.js';
export { type KeysetPosition, keysetAfter, keysetCursorOf, keysetPage, keysetPositionOf } from './keyset.js';
export { isStoreReady, migrate, pendingMigrations } from './migrator.js';
export {
  isPostgresUrl,
  openSqliteConnection,
  openStore,
  type Store,
  type StoreOptions,
  sqliteStorePath,
} from './open-store.js';
export { lowerJsonMemberSql, type PrefixLookup, prefixLookupSql } from './prefix-lookup.js';
export { prepared, rawSqliteOf, writeTransaction } from './raw-sqlite.js';
export { reusableQuery } from './reusable-query.js';
export type {
  AudiencesTable,
  BusinessCalendarsTable,
  ComputedTraitsTable,
  CrmDealsTable,
  DashboardsTable,
  DashboardTilesTable,
  Database,
  DeliveriesTable,
  DestinationsTable,
  EventsTable,
  ImportsTable,
  JourneyRunsTable,
  JourneysTable,
  PrivacyRequestsTable,
  RejectionsTable,
  SavedInsightsTable,
  SavedViewsTable,
  SlaClocksTable,
  SlaPoliciesTable,
} from './schema.js';
export { deleteProfileRowsInSlices, inSlices, SLICE_ROWS } from './slices.js';
export {
  type BackupReport,
  backupStoreFile,
  inspectStoreFile,
  isStoreFileInUse,
  type RestoreReport,
  restoreStoreFile,
  type StoreFileInfo,
  type StoreFileProblem,
} from './store-file.js';
export { unindexedWorkspaceId } from './unindexed-workspace.js';
export { vacuumTables } from './vacuum-tables.js';
export { WriteTurn } from './write-turn.js';
