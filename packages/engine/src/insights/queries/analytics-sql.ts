import type { AnalyticsDialect, AnalyticsRow } from '../analytics-store/index.js';

/** What the queries need of the analytics copy: its SQL dialect and a way to read rows. */
export interface AnalyticsReader {
  readonly dialect: AnalyticsDialect;
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<AnalyticsRow[]>;
}

type SqlValue = string | number | boolean | null;

/**
 * One statement's SQL text and its positional parameters, with the few expressions DuckDB and
 * PostgreSQL spell differently (JSON paths, tolerant number casts, epochs, medians). Everything
 * else the queries write is SQL both accept.
 */
export class AnalyticsSql {
  readonly params: SqlValue[] = [];

  constructor(readonly dialect: AnalyticsDialect) {}

  /** A parameter placeholder holding `value`. */
  param(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** A UTC instant as a `timestamp` parameter. */
  timestamp(at: Date): string {
    return `${this.param(sqlTimestampOf(at))}::timestamp`;
  }

  /** A JSON column's value at a dotted path (`address.city`) as text; null when missing. */
  jsonText(column: string, path: string): string {
    const keys = path.split('.');
    if (this.dialect === 'postgres') {
      return `(${column} #>> ${this.param(`{${keys.map(postgresPathKey).join(',')}}`)}::text[])`;
    }
    return `json_extract_string(${column}, ${this.param(`$${keys.map((key) => `."${key.replaceAll('"', '\\"')}"`).join('')}`)})`;
  }

  /** A JSON column's value at a path as a number; null when missing or not numeric. */
  jsonNumber(column: string, path: string): string {
    return this.number(this.jsonText(column, path));
  }

  /** Text as a double, null when it is not a number. */
  number(text: string): string {
    if (this.dialect === 'duckdb') return `TRY_CAST(${text} AS DOUBLE)`;
    return `(CASE WHEN ${text} ~ '^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$' THEN (${text})::double precision END)`;
  }

  /** Whether a JSON array column holds the text `value`. */
  jsonArrayHas(column: string, value: string): string {
    if (this.dialect === 'postgres')
      return `coalesce(${column} @> ${this.param(JSON.stringify([value]))}::jsonb, false)`;
    return `coalesce(json_contains(${column}, ${this.param(JSON.stringify(value))}), false)`;
  }

  /** Whether a JSON array column holds the text of another column. */
  jsonArrayHasColumn(column: string, textColumn: string): string {
    if (this.dialect === 'postgres') return `coalesce(${column} @> jsonb_build_array(${textColumn}), false)`;
    return `coalesce(json_contains(${column}, to_json(${textColumn})), false)`;
  }

  /** A timestamp's seconds since the epoch, as a double. */
  epochSeconds(timestamp: string): string {
    return this.dialect === 'duckdb'
      ? `epoch(${timestamp})`
      : `extract(epoch from ${timestamp})::double precision`;
  }

  /**
   * An aggregate: `expression` on the row where `key` is greatest (nulls kept). DuckDB has it
   * built in; PostgreSQL takes the first of the values sorted by the key.
   */
  valueAtMax(expression: string, key: string): string {
    if (this.dialect === 'duckdb') return `arg_max_null(${expression}, ${key})`;
    return `(array_agg(${expression} ORDER BY ${key} DESC))[1]`;
  }

  /** The median of a numeric expression (an aggregate), with an optional filter. */
  median(expression: string, filter?: string): string {
    const where = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
    return `(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expression})${where})::double precision`;
  }
}

/** A UTC instant as SQL timestamp text (`2026-01-05 13:00:00.000`). */
export function sqlTimestampOf(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

// A key of a PostgreSQL text[] path literal, quoted so commas, braces and quotes survive.
function postgresPathKey(key: string): string {
  return `"${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A SQL string literal (only for values the code itself chose, never for input). */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Reads a numeric column of a result row (counts arrive as numbers from both stores). */
export function numberOf(value: AnalyticsRow[string] | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}
