import { isJsonObject } from './is-json-object.js';

/** Segment's `context.campaign`, from the UTM parameters of a page. */
export interface Campaign {
  source?: string;
  medium?: string;
  name?: string;
  term?: string;
  content?: string;
}

const UTM_FIELDS = [
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
] as const;

// The calls of one page view or one batch repeat their page: the last answer is remembered.
let lastQuery = '';
let lastCampaign: Readonly<Campaign> | undefined;

/** The campaign named by `page.url` (or `page.search`) UTM parameters, if any. Frozen, shared. */
export function campaignFromPage(page: unknown): Readonly<Campaign> | undefined {
  if (!isJsonObject(page)) return undefined;
  const query = queryOf(page.url) ?? queryOf(page.search);
  if (query === undefined) return undefined;
  if (query !== lastQuery) {
    lastCampaign = campaignOf(query);
    lastQuery = query;
  }
  return lastCampaign;
}

function campaignOf(query: string): Readonly<Campaign> | undefined {
  // URLSearchParams never throws, even on broken percent-encoding.
  const params = new URLSearchParams(query);
  const campaign: Campaign = {};
  let found = false;
  for (const [parameter, field] of UTM_FIELDS) {
    const value = params.get(parameter);
    if (value) {
      campaign[field] = value;
      found = true;
    }
  }
  return found ? Object.freeze(campaign) : undefined;
}

/** The query part of a URL or search string, when it mentions UTM at all (a cheap filter). */
function queryOf(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text.includes('utm_')) return undefined;
  const start = text.indexOf('?');
  const end = text.indexOf('#', start + 1);
  return text.slice(start + 1, end === -1 ? undefined : end);
}
