import { type RawBuilder, sql } from 'kysely';

/** The storage engines Tandem runs on. */
export type StoreKind = 'sqlite' | 'postgres';

// The few places where SQLite and PostgreSQL differ live here, one helper per difference;
// domain code calls these instead of branching on the engine itself.

/** Column type of a JSON document: text on SQLite (queried with json_extract), jsonb on PostgreSQL. */
export function jsonColumnType(kind: StoreKind): 'text' | 'jsonb' {
  return kind === 'sqlite' ? 'text' : 'jsonb';
}

/** A value ready to be written into a JSON column (both engines accept the JSON text). */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** A JSON column as read back: SQLite gives text, PostgreSQL an already parsed value. */
export function fromJson<T>(stored: unknown): T {
  return (typeof stored === 'string' ? JSON.parse(stored) : stored) as T;
}

/** `column->>key`: a top-level member of a JSON column as text. */
export function jsonText(kind: StoreKind, column: string, key: string): RawBuilder<string | null> {
  return kind === 'sqlite'
    ? sql<string | null>`json_extract(${sql.ref(column)}, ${`$."${key.replaceAll('"', '')}"`})`
    : sql<string | null>`(${sql.ref(column)} ->> ${key})`;
}

/** Column type of an ever-increasing row number (the log's `seq`). */
export function sequenceColumnType(kind: StoreKind): 'integer' | 'bigserial' {
  return kind === 'sqlite' ? 'integer' : 'bigserial';
}

/** Now, as stored: ISO 8601 UTC text on both engines. */
export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}

// PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates in jsonb; SQLite takes
// both. To hold the same documents on both engines they are replaced everywhere.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Whether JSON text (from JSON.stringify) may hold characters PostgreSQL refuses: both are
 * written as `\u` escapes, so this one cheap scan clears the common case.
 */
export function mayHoldUnportableText(json: string): boolean {
  return json.includes('\\u');
}

/** A deep copy of a JSON value with NUL removed and lone surrogates replaced by U+FFFD. */
export function toPortableValue(value: unknown): unknown {
  if (typeof value === 'string') return toPortableText(value);
  if (Array.isArray(value)) return value.map(toPortableValue);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    // defineProperty, not assignment: a "__proto__" key must stay a plain member.
    Object.defineProperty(copy, toPortableText(key), {
      value: toPortableValue(member),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

// Either kind of unportable character, or a surrogate that may be fine (pairs are): one scan
// clears the common case, a plain text with none.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters sought.
const MAY_BE_UNPORTABLE = /[\u0000\ud800-\udfff]/;

/** Text with NUL removed and lone surrogates replaced by U+FFFD. */
export function toPortableText(text: string): string {
  if (!MAY_BE_UNPORTABLE.test(text)) return text;
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Locks the rows a select reads until the transaction ends (PostgreSQL's FOR UPDATE); SQLite's
 * write transactions already run one at a time. Use with `.$call(lockedForUpdate(kind))`.
 */
export function lockedForUpdate<Query extends { forUpdate(): Query }>(kind: StoreKind) {
  return (query: Query): Query => (kind === 'postgres' ? query.forUpdate() : query);
}

/** Days from one ISO 8601 text timestamp column to another, as a fractional number. */
export function daysBetween(kind: StoreKind, from: string, to: string): RawBuilder<number> {
  return kind === 'sqlite'
    ? sql<number>`(julianday(${sql.ref(to)}) - julianday(${sql.ref(from)}))`
    : sql<number>`(extract(epoch from (${sql.ref(to)}::timestamptz - ${sql.ref(from)}::timestamptz)) / 86400.0)`;
}
