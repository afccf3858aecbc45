import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { SourceRow } from './row-to-call.js';

export type ImportFormat = 'csv' | 'ndjson';

/** One row of the file, numbered from 1 (the CSV header is not a row), or why it is unreadable. */
export type ReadRow =
  | { line: number; raw: string; row: SourceRow }
  | { line: number; raw: string; error: string };

/** Streams rows out of a CSV or NDJSON file: memory stays constant whatever the file's size. */
export async function* readRows(input: Readable, format: ImportFormat): AsyncGenerator<ReadRow> {
  if (format === 'ndjson') {
    let line = 0;
    for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          yield { line, raw: text, error: 'line is not a JSON object' };
        } else {
          // Checked just above: a JSON object.
          yield { line, raw: text, row: value as SourceRow };
        }
      } catch {
        yield { line, raw: text, error: 'line is not valid JSON' };
      }
    }
    return;
  }
  // A malformed record (a stray quote) is reported and skipped; the rest of the file goes on.
  const skipped: ReadRow[] = [];
  const parser = input.pipe(
    parse({
      columns: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      raw: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        skipped.push({
          line: Number(error?.lines ?? 0) - 1,
          raw: '',
          error: error?.message ?? 'unreadable CSV record',
        });
      },
    }),
  );
  // Rows are numbered in file order, skipped ones included (the header is not a row).
  let line = 0;
  const numbered = (row: ReadRow): ReadRow => {
    line += 1;
    return { ...row, line };
  };
  for await (const record of parser as AsyncIterable<{ record: SourceRow; raw: string }>) {
    for (const skip of skipped.splice(0)) yield numbered(skip);
    yield numbered({ line: 0, raw: record.raw, row: record.record });
  }
  for (const skip of skipped.splice(0)) yield numbered(skip);
}
