import { MAX_MAPPING_COLUMNS, MAX_MAPPING_CONTEXT_DEPTH } from '@tandem/contract';
import type { Result } from '../errors/index.js';

/** Where a column's value goes in the Segment call built from a row. */
export type MappingTarget =
  | {
      kind: 'field';
      field: 'userId' | 'anonymousId' | 'messageId' | 'event' | 'timestamp' | 'groupId' | 'type';
    }
  | { kind: 'trait'; name: string }
  | { kind: 'property'; name: string }
  | { kind: 'context'; path: string[] };

export interface ColumnMapping {
  /** Column (CSV header, or dotted path in an NDJSON object) → target. */
  readonly columns: ReadonlyArray<{ column: string; target: MappingTarget }>;
  /** Call type for every row, unless a `type` column is mapped. */
  readonly type: 'track' | 'identify' | 'page' | 'screen' | 'group';
  /** Event name for every row of a track import, unless an `event` column is mapped. */
  readonly event?: string | undefined;
}

const FIELDS = new Set(['userId', 'anonymousId', 'messageId', 'event', 'timestamp', 'groupId', 'type']);

/**
 * Parses `userId=customer_id,traits.email=Email,properties.total=amount,timestamp=date`:
 * each entry is `target=column`. Targets: userId, anonymousId, messageId, event, type,
 * timestamp, groupId, traits.<name>, properties.<name>, context.<path>.
 */
export function parseColumnMapping(
  spec: string,
  options: { type?: string | undefined; event?: string | undefined } = {},
): Result<ColumnMapping, string> {
  const columns: { column: string; target: MappingTarget }[] = [];
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator <= 0 || separator === entry.length - 1) {
      return { ok: false, error: `mapping entry "${entry}" must read target=column` };
    }
    const target = entry.slice(0, separator).trim();
    const column = entry.slice(separator + 1).trim();
    const parsed = targetOf(target);
    if (!parsed) return { ok: false, error: `unknown mapping target "${target}"` };
    if (parsed.kind === 'context' && parsed.path.length > MAX_MAPPING_CONTEXT_DEPTH) {
      return {
        ok: false,
        error: `mapping target "${target}" is ${parsed.path.length} deep; the limit is ${MAX_MAPPING_CONTEXT_DEPTH}`,
      };
    }
    columns.push({ column, target: parsed });
    if (columns.length > MAX_MAPPING_COLUMNS) {
      return {
        ok: false,
        error: `the mapping holds more than ${MAX_MAPPING_COLUMNS} entries; the limit is ${MAX_MAPPING_COLUMNS}`,
      };
    }
  }
  const mapsEvent = columns.some((c) => c.target.kind === 'field' && c.target.field === 'event');
  const type = options.type ?? (mapsEvent || options.event ? 'track' : 'identify');
  if (!['track', 'identify', 'page', 'screen', 'group'].includes(type)) {
    return { ok: false, error: `type must be track, identify, page, screen or group, not "${type}"` };
  }
  if (type === 'track' && !mapsEvent && !options.event) {
    return { ok: false, error: 'a track import needs an event name: map event=<column> or give --event' };
  }
  const hasIdentity = columns.some(
    (c) => c.target.kind === 'field' && (c.target.field === 'userId' || c.target.field === 'anonymousId'),
  );
  if (columns.length > 0 && !hasIdentity)
    return { ok: false, error: 'map userId=<column> or anonymousId=<column>' };
  // Validated against the list just above.
  return { ok: true, value: { columns, type: type as ColumnMapping['type'], event: options.event } };
}

function targetOf(target: string): MappingTarget | undefined {
  if (FIELDS.has(target)) return { kind: 'field', field: target as 'userId' };
  const [head, ...rest] = target.split('.');
  const name = rest.join('.');
  if (!name) return undefined;
  if (head === 'traits') return { kind: 'trait', name };
  if (head === 'properties') return { kind: 'property', name };
  if (head === 'context') return { kind: 'context', path: rest };
  return undefined;
}
