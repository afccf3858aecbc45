import type { CustomField, DealImportTarget, DealRole } from '@tandem/contract';

/** Bytes read from the start of a file to find its columns: a header line fits easily. */
const HEAD_BYTES = 64 * 1024;

/** The deal fields a column can fill, in the order the form lists them. */
export const DEAL_IMPORT_FIELDS: readonly {
  target: Exclude<DealImportTarget, 'person'>;
  label: string;
  hint?: string;
  /** Normalized header names that fill this field on their own. */
  guesses: readonly string[];
}[] = [
  { target: 'name', label: 'Name', guesses: ['name', 'deal', 'dealname', 'title', 'opportunity'] },
  { target: 'amount', label: 'Amount', guesses: ['amount', 'value', 'dealvalue', 'dealamount'] },
  { target: 'currency', label: 'Currency', guesses: ['currency', 'cur', 'currencycode'] },
  {
    target: 'closeDate',
    label: 'Expected close date',
    guesses: ['closedate', 'close', 'expectedclosedate', 'expectedclose'],
  },
  {
    target: 'pipeline',
    label: 'Pipeline',
    hint: 'By name or id; empty: the default pipeline',
    guesses: ['pipeline'],
  },
  {
    target: 'stage',
    label: 'Stage',
    hint: 'By name or id; empty: the first stage',
    guesses: ['stage', 'dealstage'],
  },
  { target: 'status', label: 'Status', hint: 'open, won or lost', guesses: ['status', 'outcome'] },
  { target: 'lostReason', label: 'Lost reason', guesses: ['lostreason', 'reason'] },
  {
    target: 'owner',
    label: 'Owner',
    hint: 'A member’s email',
    guesses: ['owner', 'owneremail', 'dealowner'],
  },
  {
    target: 'companyDomain',
    label: 'Company domain',
    hint: 'Found by domain, else created',
    guesses: ['domain', 'website', 'companydomain'],
  },
  {
    target: 'company',
    label: 'Company name',
    hint: 'Found by name, else created',
    guesses: ['company', 'account', 'companyname', 'accountname'],
  },
  {
    target: 'externalId',
    label: 'External id',
    hint: 'Importing the file again updates these deals',
    guesses: ['externalid', 'id', 'crmid', 'recordid'],
  },
  { target: 'dealId', label: 'Tandem deal id', hint: 'Updates that deal', guesses: ['dealid'] },
];

/** What the form holds: a column per deal field, the people columns, a column per custom field. */
export interface DealMappingState {
  readonly fields: Partial<Record<Exclude<DealImportTarget, 'person'>, string>>;
  readonly people: readonly { column: string; role: DealRole }[];
  readonly custom: Readonly<Record<string, string>>;
}

const normalized = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Fills what the headers name plainly: `Deal name` → name, `Website` → company domain, `Email` → people. */
export function guessDealMapping(
  columns: readonly string[],
  customFields: readonly CustomField[],
): DealMappingState {
  const byName = new Map(columns.map((column) => [normalized(column), column]));
  const fields: DealMappingState['fields'] = {};
  for (const field of DEAL_IMPORT_FIELDS) {
    const column = field.guesses.map((guess) => byName.get(guess)).find((c) => c !== undefined);
    if (column !== undefined) fields[field.target] = column;
  }
  const peopleColumn = ['email', 'contact', 'contactemail', 'people', 'contacts']
    .map((guess) => byName.get(guess))
    .find((c) => c !== undefined);
  const custom: Record<string, string> = {};
  for (const field of customFields) {
    const column = byName.get(normalized(field.key)) ?? byName.get(normalized(field.label));
    if (column !== undefined) custom[field.key] = column;
  }
  return { fields, people: peopleColumn ? [{ column: peopleColumn, role: 'other' }] : [], custom };
}

/** The `target=column` mapping the import API takes. */
export function dealMappingSpec(state: DealMappingState): string {
  const entries: string[] = [];
  for (const [target, column] of Object.entries(state.fields))
    if (column) entries.push(`${target}=${column}`);
  for (const person of state.people)
    if (person.column)
      entries.push(`${person.role === 'other' ? 'person' : `people.${person.role}`}=${person.column}`);
  for (const [key, column] of Object.entries(state.custom))
    if (column) entries.push(`fields.${key}=${column}`);
  return entries.join(',');
}

/** The columns of a CSV header line (quotes understood), or the keys of an NDJSON file's first object. */
export function columnsOfHead(head: string, format: 'csv' | 'ndjson'): string[] {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (format === 'ndjson') {
    try {
      const value: unknown = JSON.parse(firstLine);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
      return Object.entries(value).flatMap(([key, inner]) =>
        inner !== null && typeof inner === 'object' && !Array.isArray(inner)
          ? Object.keys(inner).map((child) => `${key}.${child}`)
          : [key],
      );
    } catch {
      return [];
    }
  }
  const columns: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < firstLine.length; i += 1) {
    const char = firstLine[i];
    if (quoted) {
      if (char === '"' && firstLine[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      columns.push(current.trim());
      current = '';
    } else current += char;
  }
  columns.push(current.trim());
  return columns.filter(Boolean);
}

export function formatOfFile(file: File): 'csv' | 'ndjson' {
  return /\.(nd)?jsonl?$/i.test(file.name) ? 'ndjson' : 'csv';
}

/** The columns a chosen file offers, read from its first bytes only (files may be gigabytes). */
export async function columnsOfFile(file: File): Promise<string[]> {
  return columnsOfHead(await file.slice(0, HEAD_BYTES).text(), formatOfFile(file));
}
