import type { Readable } from 'node:stream';
import type { DealImportRow, DealImportSession } from '../crm/index.js';
import type { DealColumnMapping } from './deal-mapping.js';
import { rowToDealRow } from './deal-mapping.js';
import type { ImportProgress } from './import-runner.js';
import { type ImportFormat, readRows } from './read-rows.js';

/** Rows per transaction: large enough that a million rows take a thousand commits, not a million. */
const DEAL_BATCH_ROWS = 1000;
const MAX_KEPT_ERRORS = 100;

export interface DealImportRequest {
  readonly input: Readable;
  readonly format: ImportFormat;
  readonly mapping: DealColumnMapping;
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Imports a CSV/NDJSON file as CRM deals, a batch of rows per transaction, through the deals
 * domain (each deal audited, `Deal Created` on its people's timelines). `rowsStored` counts
 * deals created, `rowsDuplicate` deals updated (rows naming a deal already there).
 */
export async function runDealImport(
  session: DealImportSession,
  request: DealImportRequest,
): Promise<ImportProgress> {
  const progress: ImportProgress = {
    rowsRead: 0,
    rowsStored: 0,
    rowsDuplicate: 0,
    rowsRejected: 0,
    errors: [],
  };
  const noteError = (line: number, message: string) => {
    progress.rowsRejected += 1;
    if (progress.errors.length < MAX_KEPT_ERRORS) progress.errors.push({ line, message });
  };
  let batch: DealImportRow[] = [];
  const flush = async () => {
    if (request.signal?.aborted)
      throw new Error(
        'import interrupted by shutdown; run it again (an externalId column avoids duplicates)',
      );
    if (batch.length === 0) return;
    const outcome = await session.importBatch(batch);
    progress.rowsStored += outcome.created;
    progress.rowsDuplicate += outcome.updated;
    for (const error of outcome.errors) noteError(error.line, error.message);
    batch = [];
    request.onProgress?.(progress);
  };
  for await (const read of readRows(request.input, request.format)) {
    progress.rowsRead += 1;
    if ('error' in read) {
      noteError(read.line, read.error);
      continue;
    }
    batch.push(rowToDealRow(read.line, read.row, request.mapping));
    if (batch.length >= DEAL_BATCH_ROWS) await flush();
  }
  await flush();
  request.onProgress?.(progress);
  return progress;
}
