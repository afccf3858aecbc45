import { Readable } from 'node:stream';
import type { SavedView, ViewFilter } from '@tandem/contract';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { peopleRows } from '../profiles/index.js';
import type { Store } from '../store/index.js';

/** A people export without a view, or of a view without columns. */
export const DEFAULT_PEOPLE_COLUMNS = ['id', 'name', 'email', 'created_at', 'updated_at'] as const;

/** People read per query while exporting: memory holds this many rows at most, twice. */
const EXPORT_PAGE = 2000;

/**
 * The people a view selects (its filters) as CSV, its columns in its order, a header row first,
 * in profile id order. A stream: rows are read a page at a time as the reader consumes them,
 * so an export of millions holds one page in memory. Sort is not applied: the cursor's order is
 * what keeps the export constant in memory.
 */
export function peopleCsv(
  deps: { store: Store; identity: IdentityService },
  workspaceId: string,
  view: Pick<SavedView, 'entity' | 'filters' | 'columns' | 'name'> | undefined,
): Readable {
  if (view && view.entity !== 'people') {
    throw new AppError('bad_request', `View "${view.name}" lists ${view.entity}, not people`);
  }
  const columns = view && view.columns.length > 0 ? view.columns : [...DEFAULT_PEOPLE_COLUMNS];
  const filters: readonly ViewFilter[] = view?.filters ?? [];
  const pages = peopleRows(deps.store, deps.identity, workspaceId, {
    filters,
    columns,
    pageSize: EXPORT_PAGE,
  });
  const options = { columns: [...columns], cast: { string: neutralized } };
  let first = true;
  // One CSV chunk per page, read when the consumer wants more: a slow client holds the export,
  // not memory. A failed read destroys the stream with its error, so the download is broken
  // rather than a file that merely looks complete.
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
