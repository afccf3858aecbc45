import { campaignFromPage } from './campaign-from-page.js';
import { isJsonObject } from './is-json-object.js';
import { userAgentDetails } from './user-agent-details.js';

/** What the HTTP request tells about the caller, as the server saw it. */
export interface RequestInfo {
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * The call's context plus what the server knows: `ip`, the browser / OS / device its user agent
 * names and the `campaign` of its page's UTM parameters. What the SDK sent always wins.
 * Returns a new object: one batch-level context is shared by many calls.
 */
export function enrichContext(
  context: Record<string, unknown> | null | undefined,
  request: RequestInfo,
): Record<string, unknown> {
  const sent = context ?? {};
  const userAgent = typeof sent.userAgent === 'string' ? sent.userAgent : request.userAgent;
  const details = userAgent ? userAgentDetails(userAgent) : undefined;
  // One Object.assign of a fixed-shape literal: far cheaper in V8 than adding keys one by one.
  // Members left undefined are absent from the stored JSON.
  return Object.assign({}, sent, {
    ip: sent.ip ?? request.ip,
    browser: withMissing(sent.browser, details?.browser),
    os: withMissing(sent.os, details?.os),
    device: withMissing(sent.device, details?.device),
    campaign: sent.campaign ?? campaignFromPage(sent.page),
  });
}

/** What the SDK sent, completed (never overwritten) by what the user agent says. */
function withMissing(sent: unknown, found: object | undefined): unknown {
  if (found === undefined || (sent != null && !isJsonObject(sent))) return sent ?? undefined;
  if (sent == null) return found;
  const present = Object.entries(sent).filter(([, value]) => value != null);
  return Object.assign({}, found, Object.fromEntries(present));
}
