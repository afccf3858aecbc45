import type { PrefixLookup } from '../store/index.js';

/** Queries shorter than this are matched as exact prefixes only: one typo in two letters is noise. */
const MIN_TYPO_LENGTH = 3;
/** Typos are looked for in the query's first letters; the rest ranks the candidates. */
const TYPO_HEAD = 12;
/** Letters in a query's first two positions are taken as typed (a typo there is rare, and probing it is a scan). */
const FIXED_HEAD = 2;

/** How search compares texts: lower case, single spaces. */
export function normalizeSearchText(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The index probes that find texts within one typo of `query` as a prefix (a swapped pair, an
 * extra, wrong or missing letter after the first two). Each is a range on an index, so a search
 * never scans a table. `query` is normalized.
 */
export function typoLookups(query: string): PrefixLookup[] {
  const head = [...query].slice(0, TYPO_HEAD);
  const m = head.length;
  if (m < MIN_TYPO_LENGTH) return [];
  const text = (chars: string[]) => chars.join('');
  const lookups = new Map<string, PrefixLookup>();
  const add = (lookup: PrefixLookup) => {
    const key = `${lookup.prefix}\u0000${lookup.followedBy?.skip ?? ''}\u0000${lookup.followedBy?.text ?? ''}`;
    if (lookup.prefix.length >= FIXED_HEAD) lookups.set(key, lookup);
  };
  if (m < [...query].length) add({ prefix: text(head) });
  for (let i = 0; i < m - 1; i++) {
    const swapped = [...head];
    [swapped[i], swapped[i + 1]] = [head[i + 1] ?? '', head[i] ?? ''];
    add({ prefix: text(swapped) });
  }
  // An extra letter in the query.
  for (let i = 0; i < m; i++) add({ prefix: text(head.filter((_, at) => at !== i)) });
  for (let i = FIXED_HEAD; i < m; i++) {
    const before = text(head.slice(0, i));
    // A wrong letter at i, and a letter missing before i.
    add({ prefix: before, followedBy: { skip: 1, text: text(head.slice(i + 1)) } });
    add({ prefix: before, followedBy: { skip: 1, text: text(head.slice(i)) } });
  }
  return [...lookups.values()];
}

/**
 * Fewest edits (insert, delete, substitute, swap two neighbours) that turn `query` into a prefix
 * of `text`, or of one of its words: how far a candidate is from what was typed.
 */
export function typosBetween(query: string, text: string): number {
  return bestOverWords(text, (word) => prefixDistance(query, word));
}

/**
 * Edits between `query` and the text's beginning of the same length (or a word's): ranks
 * matches with as many typos, "jonh" nearer "john" than "johanna".
 */
export function alignedTypos(query: string, text: string): number {
  const length = [...query].length;
  return bestOverWords(text, (word) => prefixDistance(query, [...word].slice(0, length).join(''), 0));
}

function bestOverWords(text: string, distance: (word: string) => number): number {
  let best = distance(text);
  for (let at = text.indexOf(' '); at >= 0 && best > 0; at = text.indexOf(' ', at + 1)) {
    best = Math.min(best, distance(text.slice(at + 1)));
  }
  return best;
}

// Optimal string alignment distance between `a` and the closest prefix of `b` (of `b` itself
// when `slack` is 0).
function prefixDistance(a: string, b: string, slack = 2): number {
  const n = a.length;
  const m = Math.min(b.length, n + slack);
  let previous2: number[] = [];
  let previous = Array.from({ length: m + 1 }, () => 0).map((_, j) => j);
  for (let i = 1; i <= n; i++) {
    const current = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(value);
    }
    previous2 = previous;
    previous = current;
  }
  return slack === 0 ? (previous[m] ?? n) : Math.min(...previous);
}
