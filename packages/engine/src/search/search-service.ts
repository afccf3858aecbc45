import type { SearchHit, SearchQuery, SearchResults, SearchType } from '@tandem/contract';
import type { PrefixLookup } from '../store/index.js';
import { alignedTypos, normalizeSearchText, typoLookups, typosBetween } from './typo-lookups.js';

/** A record a searcher found, with the texts of it that can match (lower-cased). */
export interface SearchCandidate {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string | null;
  readonly texts: readonly string[];
}

/**
 * Finds a type's records whose searchable texts match any of `lookups` (indexed prefix probes),
 * at most `limit` per lookup. Each domain supplies its own, through its public functions.
 */
export type Searcher = (
  workspaceId: string,
  request: { lookups: readonly PrefixLookup[]; limit: number },
) => Promise<SearchCandidate[]>;

/** Most edits between the query and a match. */
const MAX_TYPOS = 1;

/**
 * Global search over the types registered by the engine (`register('people', …)`): exact
 * prefixes first, and, when they do not fill the page, texts within one typo.
 */
export class SearchService {
  private readonly searchers = new Map<SearchType, Searcher>();

  register(type: SearchType, searcher: Searcher): void {
    this.searchers.set(type, searcher);
  }

  async search(workspaceId: string, query: SearchQuery): Promise<SearchResults> {
    const q = normalizeSearchText(query.q);
    const unsupported = query.types.filter((type) => !this.searchers.has(type));
    const perType = await Promise.all(
      query.types.flatMap((type) => {
        const searcher = this.searchers.get(type);
        return searcher ? [this.searchType(workspaceId, type, searcher, q, query.limit)] : [];
      }),
    );
    return { data: perType.flat(), unsupported };
  }

  private async searchType(
    workspaceId: string,
    type: SearchType,
    searcher: Searcher,
    q: string,
    limit: number,
  ): Promise<SearchHit[]> {
    const found = new Map<string, RankedHit>();
    const rank = (candidates: readonly SearchCandidate[]) => {
      for (const candidate of candidates) {
        const hit = hitOf(type, candidate, q);
        if (hit && !found.has(candidate.id)) found.set(candidate.id, hit);
      }
    };
    rank(await searcher(workspaceId, { lookups: [{ prefix: q }], limit }));
    // Typo probes by cost: exact prefixes of variants (narrow ranges) first, then the bounded
    // scans for a wrong or missing letter, each only while the page is not full.
    const lookups = typoLookups(q);
    for (const tier of [lookups.filter((l) => !l.followedBy), lookups.filter((l) => l.followedBy)]) {
      if (found.size >= limit || tier.length === 0) continue;
      rank(await searcher(workspaceId, { lookups: tier, limit }));
    }
    return [...found.values()]
      .sort(betterHit)
      .slice(0, limit)
      .map(({ hit }) => hit);
  }
}

interface RankedHit {
  hit: SearchHit;
  /** Typos against the matched text's beginning of the query's length. */
  aligned: number;
}

// The candidate's text nearest the query: fewest typos, then aligned typos, then the shortest.
function hitOf(type: SearchType, candidate: SearchCandidate, q: string): RankedHit | undefined {
  let best: { text: string; typos: number; aligned: number } | undefined;
  for (const text of candidate.texts) {
    const normalized = normalizeSearchText(text);
    const match = { text, typos: typosBetween(q, normalized), aligned: alignedTypos(q, normalized) };
    if (!best || compareMatches(match, best) < 0) best = match;
  }
  if (!best || best.typos > MAX_TYPOS) return undefined;
  const hit = {
    type,
    id: candidate.id,
    title: candidate.title,
    subtitle: candidate.subtitle,
    matched: best.text,
    typos: best.typos,
  };
  return { hit, aligned: best.aligned };
}

function compareMatches(
  a: { text: string; typos: number; aligned: number },
  b: { text: string; typos: number; aligned: number },
): number {
  return a.typos - b.typos || a.aligned - b.aligned || a.text.length - b.text.length;
}

// Fewer typos first, then closer in the query's length, then the shorter match, then by title.
function betterHit(a: RankedHit, b: RankedHit): number {
  return (
    compareMatches(
      { ...a.hit, text: a.hit.matched, aligned: a.aligned },
      { ...b.hit, text: b.hit.matched, aligned: b.aligned },
    ) || a.hit.title.localeCompare(b.hit.title)
  );
}
