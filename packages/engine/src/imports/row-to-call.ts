import type { ColumnMapping } from './column-mapping.js';

/** A row as read: CSV columns by header, or an NDJSON object. */
export type SourceRow = Record<string, unknown>;

/** Reads `a.b.c` from a nested object (NDJSON); CSV headers with dots are matched whole first. */
export function valueAt(row: SourceRow, column: string): unknown {
  if (column in row) return row[column];
  let value: unknown = row;
  for (const key of column.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Offline files carry every value as text; numbers and booleans are restored so that audience
 * conditions like "total >= 50" work on imported data as they do on tracked data.
 */
export function typedValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return value;
}

/** Builds the Segment call of one row; an unmapped import takes each NDJSON line as a call. */
export function rowToCall(row: SourceRow, mapping: ColumnMapping): Record<string, unknown> {
  if (mapping.columns.length === 0) return { ...row };
  const call: Record<string, unknown> = { type: mapping.type };
  if (mapping.event) call.event = mapping.event;
  const traits: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  const context: Record<string, unknown> = {};
  for (const { column, target } of mapping.columns) {
    const raw = valueAt(row, column);
    const value = target.kind === 'field' ? raw : typedValue(raw);
    if (value === undefined || value === null || value === '') continue;
    switch (target.kind) {
      case 'field':
        call[target.field] = target.field === 'timestamp' ? isoTimestamp(value) : trimmed(value);
        break;
      case 'trait':
        traits[target.name] = value;
        break;
      case 'property':
        properties[target.name] = value;
        break;
      case 'context':
        setPath(context, target.path, value);
        break;
      default: {
        const unknownTarget: never = target;
        throw new Error(`unhandled mapping target ${JSON.stringify(unknownTarget)}`);
      }
    }
  }
  if (Object.keys(traits).length > 0) call.traits = traits;
  if (Object.keys(properties).length > 0) call.properties = properties;
  if (Object.keys(context).length > 0) call.context = context;
  return call;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node[key] = next && typeof next === 'object' ? next : {};
    node = node[key] as Record<string, unknown>;
  });
  const last = path.at(-1);
  if (last) node[last] = value;
}

function trimmed(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Dates as offline exports write them (ISO, `2024-01-05 10:00`, `19970101`, epoch ms) → ISO 8601. */
export function isoTimestamp(value: unknown): unknown {
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const candidate = compact ? `${compact[1]}-${compact[2]}-${compact[3]}T00:00:00Z` : text;
  const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(candidate)
    ? candidate
    : `${candidate.replace(' ', 'T')}${candidate.includes('T') || candidate.includes(' ') ? '' : 'T00:00:00'}Z`;
  const ms = Date.parse(withZone);
  // Unparseable dates pass through unchanged so the row is rejected naming the timestamp.
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
