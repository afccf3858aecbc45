// ua-parser-js 1.x: MIT licensed (2.x moved to AGPL, which an MIT project cannot ship).
import UAParser from 'ua-parser-js';

/** What a user agent string says, in the shape of Segment's `context.os` / `context.device`. */
export interface UserAgentDetails {
  readonly browser?: Readonly<{ name?: string; version?: string }>;
  readonly os?: Readonly<{ name?: string; version?: string }>;
  readonly device?: Readonly<{ type?: string; manufacturer?: string; model?: string }>;
}

// Parsing is costly while a batch usually repeats one user agent: remember the last ones.
const CACHE_SIZE = 1000;
const cache = new Map<string, UserAgentDetails>();

/** The browser, OS and device a user agent names (only the parts it does name). Frozen, shared. */
export function userAgentDetails(userAgent: string): UserAgentDetails {
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const details = parse(userAgent);
  // First in, first out: the oldest entry is the first key of a Map.
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(userAgent, details);
  return details;
}

function parse(userAgent: string): UserAgentDetails {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  return Object.freeze({
    browser: definedOnly({ name: browser.name, version: browser.version }),
    os: definedOnly({ name: os.name, version: os.version }),
    device: definedOnly({ type: device.type, manufacturer: device.vendor, model: device.model }),
  });
}

/** The members that have a value, or undefined when none has. */
function definedOnly<T extends Record<string, string | undefined>>(
  fields: T,
): Readonly<Partial<T>> | undefined {
  const present = Object.entries(fields).filter(([, value]) => value !== undefined && value !== '');
  // fromEntries of T's own entries, minus the undefined ones: a Partial<T> by construction.
  return present.length > 0 ? Object.freeze(Object.fromEntries(present) as Partial<T>) : undefined;
}
