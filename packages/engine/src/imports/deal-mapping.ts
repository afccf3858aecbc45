import { DEAL_IMPORT_TARGETS, type DealImportTarget, MAX_MAPPING_COLUMNS } from '@tandem/contract';
import { type DealImportRow, isDealRole } from '../crm/index.js';
import type { Result } from '../errors/index.js';
import { type SourceRow, valueAt } from './row-to-call.js';

/** Where a column of a deal import goes. */
export type DealMappingTarget =
  | { kind: 'cell'; name: Exclude<DealImportTarget, 'person'> }
  | { kind: 'person'; role: DealImportRow['people'][number]['role'] }
  | { kind: 'field'; key: string };

export interface DealColumnMapping {
  readonly columns: ReadonlyArray<{ column: string; target: DealMappingTarget }>;
}

const TARGETS = new Set<string>(DEAL_IMPORT_TARGETS);

/**
 * Parses a deal import's `target=column` mapping: `name=Deal,amount=Value,currency=Cur,
 * pipeline=Pipeline,stage=Stage,owner=Owner email,companyDomain=Website,company=Account,
 * person=Contact email,people.champion=Champion,fields.region=Region,externalId=CRM id`.
 */
export function parseDealMapping(spec: string): Result<DealColumnMapping, string> {
  const columns: { column: string; target: DealMappingTarget }[] = [];
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator <= 0 || separator === entry.length - 1)
      return { ok: false, error: `mapping entry "${entry}" must read target=column` };
    const target = entry.slice(0, separator).trim();
    const column = entry.slice(separator + 1).trim();
    const parsed = dealTargetOf(target);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    if (
      parsed.kind === 'cell' &&
      columns.some((c) => c.target.kind === 'cell' && c.target.name === parsed.name)
    )
      return { ok: false, error: `the mapping names ${target} twice` };
    columns.push({ column, target: parsed });
    if (columns.length > MAX_MAPPING_COLUMNS)
      return { ok: false, error: `the mapping holds more than ${MAX_MAPPING_COLUMNS} entries` };
  }
  const maps = (name: string) => columns.some((c) => c.target.kind === 'cell' && c.target.name === name);
  if (!maps('name') && !maps('dealId') && !maps('externalId'))
    return { ok: false, error: 'a deal import maps name=<column> (or dealId / externalId to update deals)' };
  return { ok: true, value: { columns } };
}

function dealTargetOf(target: string): DealMappingTarget | string {
  if (target === 'person') return { kind: 'person', role: 'other' };
  if (TARGETS.has(target)) return { kind: 'cell', name: target as Exclude<DealImportTarget, 'person'> };
  const [head, ...rest] = target.split('.');
  const name = rest.join('.');
  if (head === 'people' && name) {
    if (!isDealRole(name))
      return `"${name}" is not a deal role (decision_maker, champion, influencer, user, blocker, other)`;
    return { kind: 'person', role: name };
  }
  if (head === 'fields' && name) return { kind: 'field', key: name };
  return `unknown deal mapping target "${target}": use ${DEAL_IMPORT_TARGETS.join(', ')}, people.<role> or fields.<key>`;
}

/** A row of the file as the deal import reads it: cells by target, naming their columns. */
export function rowToDealRow(line: number, row: SourceRow, mapping: DealColumnMapping): DealImportRow {
  const cells: DealImportRow['cells'] = {};
  const people: DealImportRow['people'][number][] = [];
  const fields: DealImportRow['fields'][number][] = [];
  for (const { column, target } of mapping.columns) {
    const raw = valueAt(row, column);
    if (raw === undefined || raw === null) continue;
    if (target.kind === 'field') fields.push({ column, key: target.key, value: raw });
    else {
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (target.kind === 'cell') cells[target.name] = { column, value };
      else people.push({ column, value, role: target.role });
    }
  }
  return { line, cells, people, fields };
}
