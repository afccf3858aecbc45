import type { OutgoingEmail, RenderedEmail } from '../email/index.js';
import { bounceToken, signToken, type TrackingClaims } from './tracking-token.js';

/** The markers the sender renders for Liquid's `unsubscribe_url` and `preferences_url`. */
export const UNSUBSCRIBE_MARKER = '%%UNSUBSCRIBE_URL%%';
export const PREFERENCES_MARKER = '%%PREFERENCES_URL%%';

// `href="http…"` / `href='http…'` of anchors and areas: the links people click.
const LINK = /(<(?:a|area)\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

export interface DecorationContext {
  readonly key: Buffer;
  /** Where the tracking endpoints are (`TANDEM_PUBLIC_URL`), without a trailing slash. */
  readonly publicUrl: string;
  /** The domain of bounce and mailto-unsubscribe addresses. */
  readonly mailDomain: string;
  readonly sentAt: number;
}

/**
 * Tracking and unsubscribing: every http(s) link goes through `/e/c/<token>`, a 1×1 pixel
 * `/e/o/<token>` and a hidden honeypot link (only machines follow it) close the body, the
 * unsubscribe and preference markers become links, marketing email gets RFC 8058 one-click
 * `List-Unsubscribe` headers, and the envelope sender is the message's own bounce address.
 */
export function decorateEmail(
  email: OutgoingEmail,
  rendered: RenderedEmail,
  context: DecorationContext,
): RenderedEmail & { readonly envelopeFrom: string } {
  const base: Omit<TrackingClaims, 'kind'> = {
    workspaceId: email.workspaceId,
    messageId: email.messageId,
    profileId: email.profileId,
    sentAt: context.sentAt,
    topicId: email.topicId,
  };
  const url = (path: string, kind: TrackingClaims['kind'], extra: Partial<TrackingClaims> = {}) =>
    `${context.publicUrl}${path}${signToken(context.key, { ...base, ...extra, kind })}`;
  const ownLinks = [`${context.publicUrl}/e/`, `${context.publicUrl}/email/preferences/`];

  const links = [...rendered.html.matchAll(LINK)].filter(
    (match) => !ownLinks.some((own) => (match[3] ?? '').startsWith(own)),
  ).length;
  let index = 0;
  let html = rendered.html.replace(LINK, (whole, head: string, quote: string, href: string) => {
    if (ownLinks.some((own) => href.startsWith(own))) return whole;
    const target = href.replaceAll('&amp;', '&');
    const tracked = url('/e/c/', 'c', { linkIndex: index++, linkCount: links, url: target });
    return `${head}${quote}${tracked}${quote}`;
  });
  const unsubscribeUrl = url('/e/u/', 'u');
  const preferencesUrl = url('/email/preferences/', 'p');
  html = html.replaceAll(UNSUBSCRIBE_MARKER, unsubscribeUrl).replaceAll(PREFERENCES_MARKER, preferencesUrl);
  const honeypot = `<a href="${url('/e/c/', 'h', { linkIndex: -1, linkCount: links, url: '' })}" style="display:none!important;mso-hide:all;font-size:0;max-height:0;overflow:hidden" aria-hidden="true" tabindex="-1">&#8203;</a>`;
  const pixel = `<img src="${url('/e/o/', 'o')}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;overflow:hidden">`;
  const closing = html.search(/<\/body>/i);
  html =
    closing < 0
      ? `${html}${honeypot}${pixel}`
      : `${html.slice(0, closing)}${honeypot}${pixel}${html.slice(closing)}`;

  const text = rendered.text
    .replaceAll(UNSUBSCRIBE_MARKER, unsubscribeUrl)
    .replaceAll(PREFERENCES_MARKER, preferencesUrl);
  const token = bounceToken(context.key, email.messageId);
  const headers: Record<string, string> = { ...rendered.headers };
  if (email.category === 'marketing') {
    headers['List-Unsubscribe'] = `<${unsubscribeUrl}>, <mailto:unsubscribe+${token}@${context.mailDomain}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    subject: rendered.subject,
    html,
    text,
    headers,
    envelopeFrom: `bounce+${token}@${context.mailDomain}`,
  };
}
