import { createHmac, timingSafeEqual } from 'node:crypto';

// Tracking, unsubscribe and preference links carry what their endpoint needs, signed with the
// workspace's tracking key (HMAC-SHA256, 128 bits kept): no lookup of the sender's tables, and
// nobody can forge one for another person, message or URL.

/** o: open pixel, c: a link, h: the hidden honeypot link, u: unsubscribe, p: preference page. */
export type TokenKind = 'o' | 'c' | 'h' | 'u' | 'p';

export interface TrackingClaims {
  readonly kind: TokenKind;
  readonly workspaceId: string;
  readonly messageId: string;
  readonly profileId: string;
  /** When the email was decorated (ms): machine opens come within seconds of it. */
  readonly sentAt: number;
  /** The email's topic (unsubscribe links unsubscribe from it). */
  readonly topicId?: string | null | undefined;
  /** A link's position among the email's tracked links, their count, and where it goes. */
  readonly linkIndex?: number | undefined;
  readonly linkCount?: number | undefined;
  readonly url?: string | undefined;
}

const KINDS: ReadonlySet<unknown> = new Set(['o', 'c', 'h', 'u', 'p']);

type Packed = [TokenKind, string, string, string, string, string | null, number?, number?, string?];

export function signToken(key: Buffer, claims: TrackingClaims): string {
  const packed: Packed = [
    claims.kind,
    claims.workspaceId,
    claims.messageId,
    claims.profileId,
    claims.sentAt.toString(36),
    claims.topicId ?? null,
  ];
  if (claims.linkIndex !== undefined) packed.push(claims.linkIndex, claims.linkCount ?? 0, claims.url ?? '');
  const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** The workspace a token names, read before its signature can be checked (keys are per workspace). */
export function workspaceOfToken(token: string): string | null {
  return unpack(token)?.[1] ?? null;
}

/** The claims of a token signed with `key`, or null (malformed, tampered, other workspace's). */
export function verifyToken(key: Buffer, token: string): TrackingClaims | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const expected = Buffer.from(mac(key, token.slice(0, dot)));
  const given = Buffer.from(token.slice(dot + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const packed = unpack(token);
  if (!packed) return null;
  const [kind, workspaceId, messageId, profileId, sentAt, topicId, linkIndex, linkCount, url] = packed;
  return {
    kind,
    workspaceId,
    messageId,
    profileId,
    sentAt: Number.parseInt(sentAt, 36),
    topicId,
    ...(linkIndex !== undefined ? { linkIndex, linkCount, url } : {}),
  };
}

/** The bounce address's token: the message's ULID and 12 hex characters of its MAC (fits a local part). */
export function bounceToken(key: Buffer, messageId: string): string {
  return `${messageId.slice(messageId.indexOf('_') + 1)}${macHex(key, messageId)}`;
}

/** The message id (`em_…`) of a bounce token, before its MAC is checked against the workspace's key. */
export function messageOfBounceToken(token: string): string | null {
  return /^[0-9a-z]{26}[0-9a-f]{12}$/.test(token) ? `em_${token.slice(0, 26)}` : null;
}

export function bounceTokenMatches(key: Buffer, token: string, messageId: string): boolean {
  const expected = Buffer.from(bounceToken(key, messageId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest().subarray(0, 16).toString('base64url');
}

function macHex(key: Buffer, messageId: string): string {
  return createHmac('sha256', key).update(`b:${messageId}`).digest('hex').slice(0, 12);
}

function unpack(token: string): Packed | null {
  const dot = token.indexOf('.');
  try {
    const packed: unknown = JSON.parse(
      Buffer.from(token.slice(0, dot < 0 ? undefined : dot), 'base64url').toString(),
    );
    if (!Array.isArray(packed) || packed.length < 6 || !KINDS.has(packed[0])) return null;
    if (!packed.slice(1, 5).every((part) => typeof part === 'string')) return null;
    return packed as Packed; // shape checked above: kind, four strings, then the optional link fields
  } catch {
    return null;
  }
}
