import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ImportJob } from '@tandem/contract';
import type { Engine } from '@tandem/engine';

export interface ImportCommandOptions {
  source: string;
  map: string;
  format?: 'csv' | 'ndjson';
  type?: 'track' | 'identify' | 'page' | 'screen' | 'group' | 'deal';
  event?: string;
  /** A deal import: the currency of rows without one. */
  currency?: string;
}

/** `tandem import FILE`: runs the import in this process, drawing a progress bar on stderr. */
export async function importFile(
  engine: Engine,
  file: string,
  options: ImportCommandOptions,
): Promise<ImportJob> {
  const source = await engine.sources.resolveReference(options.source);
  if (!source) throw new Error(`No source with id or write key "${options.source}"`);
  const filePath = resolve(file);
  const job = await engine.imports.start({
    source,
    filePath,
    bytesTotal: (await stat(filePath)).size,
    fileName: basename(filePath),
    import: {
      map: options.map,
      format: options.format,
      type: options.type,
      event: options.event,
      currency: options.currency,
    },
  });
  const started = Date.now();
  const draw = async () => drawProgress(await engine.imports.get(source.workspaceId, job.id), started);
  const timer = setInterval(() => void draw(), 250);
  try {
    await engine.imports.settle();
  } finally {
    clearInterval(timer);
  }
  const finished = await engine.imports.get(source.workspaceId, job.id);
  drawProgress(finished, started);
  process.stderr.write('\n');
  return finished;
}

function drawProgress(job: ImportJob, started: number): void {
  const share = job.bytesTotal > 0 ? job.bytesRead / job.bytesTotal : 1;
  const width = 30;
  const filled = Math.round(share * width);
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(1)}%`;
  const counts = `${job.rowsRead} rows, ${job.rowsStored} stored, ${job.rowsDuplicate} duplicate, ${job.rowsRejected} rejected`;
  process.stderr.write(`\r${bar} ${counts} (${Math.round(job.rowsRead / seconds)} rows/s)   `);
}
