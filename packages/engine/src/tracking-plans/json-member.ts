// A call's payload is ~500 bytes of JSON of which a plan reads one member (properties or traits).
// Parsing the whole would be a large share of a batch call's cost on the ingest thread; finding
// the member's text costs a fraction of that, and only it is parsed.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** Where a top-level member's value lies in a JSON object's text: [start, end). */
export interface MemberSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * The span of member `name`'s value in `json`, the text of a JSON object as JSON.stringify writes
 * it (no whitespace), or undefined when it has no such member. Read the value with JSON.parse.
 */
export function memberSpan(json: string, name: string): MemberSpan | undefined {
  const key = JSON.stringify(name);
  let depth = 0;
  for (let at = 0; at < json.length; at++) {
    const char = json.charCodeAt(at);
    if (char === QUOTE) {
      const close = stringEnd(json, at);
      // A key of the outer object: a string at depth 1 followed by a colon.
      if (
        depth === 1 &&
        json.charCodeAt(close + 1) === COLON &&
        close - at + 1 === key.length &&
        json.startsWith(key, at)
      ) {
        const start = close + 2;
        return { start, end: valueEnd(json, start) };
      }
      at = close;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) depth++;
    else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/** The index of the quote closing the string opened at `open`. */
function stringEnd(json: string, open: number): number {
  let at = open + 1;
  for (;;) {
    const quote = json.indexOf('"', at);
    if (quote < 0) return json.length;
    // Escaped when preceded by an odd number of backslashes.
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** The index just past the value starting at `start` (an object, array, string or scalar). */
function valueEnd(json: string, start: number): number {
  let depth = 0;
  for (let at = start; at < json.length; at++) {
    const char = json.charCodeAt(at);
    if (char === QUOTE) at = stringEnd(json, at);
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) depth++;
    else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      if (depth === 0) return at;
      depth--;
      if (depth === 0) return at + 1;
    } else if (char === COMMA && depth === 0) return at;
  }
  return json.length;
}
