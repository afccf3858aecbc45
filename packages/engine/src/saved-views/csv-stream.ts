import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null;

/**
 * Pages of rows as CSV, a header row first: a page is read only when the consumer wants more,
 * so a slow client holds the export, not memory. A failed read destroys the stream with its
 * error, so the download is broken rather than a file that merely looks complete.
 */
export function csvOfPages(
  columns: readonly string[],
  pages: AsyncGenerator<Record<string, CsvCell>[]>,
): Readable {
  const options = { columns: [...columns], cast: { string: neutralized } };
  let first = true;
  return new Readable({
    async read() {
      try {
        const next = await pages.next();
        const header = first;
        first = false;
        if (next.done) {
          if (header) this.push(stringify([], { ...options, header: true }));
          this.push(null);
        } else {
          this.push(stringify(next.value, { ...options, header }));
        }
      } catch (error) {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    },
    async destroy(error, callback) {
      await pages.return(undefined);
      callback(error);
    },
  });
}

// A cell a spreadsheet would run as a formula (=, @, +, -, tab) is prefixed with '.
function neutralized(value: string): string {
  return /^[=@\t\r]/.test(value) || /^[+-](?!\d[\d .()-]*$)/.test(value) ? `'${value}` : value;
}
