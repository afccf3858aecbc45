import type { ServerResponse } from 'node:http';
import { type Permission, roleAllows } from '@tandem/contract';
import {
  type AccessRevocation,
  AppError,
  type CollectedItem,
  type Engine,
  type PersonalMask,
  type Principal,
  revocationConcerns,
} from '@tandem/engine';
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/route-access.js';
import { maskStoredEvent, maskStoredRejection } from '../pii/personal-data-shapes.js';
import { LiveStream, type StreamEnd } from './live-stream.js';

export interface LiveStreamLimits {
  /** Bytes a stream may have waiting for its client before it is dropped. */
  readonly bufferBytes: number;
  /** Open streams per API token or UI session. */
  readonly perPrincipal: number;
  /** Open streams in this process. */
  readonly perProcess: number;
}

export interface LiveStreamsOptions {
  readonly limits: LiveStreamLimits;
  /** How often every stream's credentials are checked again (another process may have revoked them). */
  readonly recheckMs?: number | undefined;
  /** How often a comment is sent, so proxies keep an idle stream open. */
  readonly heartbeatMs?: number | undefined;
  /** How long an ended stream's client gets to take its last bytes before the socket is cut. */
  readonly closeGraceMs?: number | undefined;
}

/** The secret a stream was opened with: it is authenticated again on revocations and rechecks. */
export interface LiveStreamCredentials {
  readonly kind: 'token' | 'session';
  readonly secret: string;
}

/** Why a stream ended: counted for /metrics. */
export type LiveStreamEndReason = 'client' | 'slow' | 'revoked' | 'shutdown';

interface Follower {
  readonly stream: LiveStream;
  readonly principal: Principal;
  readonly credentials: LiveStreamCredentials;
  readonly permission: Permission;
  readonly sourceId: string;
  /** What the follower's role sees masked (null: everything), as when the stream opened. */
  readonly mask: PersonalMask | null;
  endReason: LiveStreamEndReason;
}

/** One collector subscription per followed source; each batch is serialized once for all its streams. */
interface SourceFeed {
  readonly followers: Set<Follower>;
  readonly unsubscribe: () => void;
  pending: CollectedItem[];
  flushScheduled: boolean;
}

const SHUTDOWN: StreamEnd = { code: 'not_ready', message: 'The server is shutting down; reconnect later' };

/**
 * The source debugger's open live streams: caps per principal and per process, a bounded buffer
 * per stream, and an end for streams whose credentials are revoked or lose the permission.
 */
export class LiveStreams {
  private readonly followers = new Set<Follower>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly feeds = new Map<string, SourceFeed>();
  private readonly endObservers = new Set<(reason: LiveStreamEndReason) => void>();
  private readonly timers: NodeJS.Timeout[];
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    private readonly deps: {
      readonly access: {
        onRevoked: Engine['access']['onRevoked'];
        authenticateToken(secret: string): Promise<Principal | undefined>;
        authenticateSession(secret: string): Promise<Principal | undefined>;
      };
      readonly collector: Pick<Engine['collector'], 'subscribe'>;
    },
    private readonly options: LiveStreamsOptions,
  ) {
    this.stopListening = deps.access.onRevoked((revocation) => this.onRevoked(revocation));
    const recheck = setInterval(() => void this.recheckAll(), options.recheckMs ?? 30_000);
    const heartbeat = setInterval(() => this.heartbeat(), options.heartbeatMs ?? 15_000);
    this.timers = [recheck, heartbeat];
    for (const timer of this.timers) timer.unref();
  }

  /** Streams open now. */
  get openCount(): number {
    return this.followers.size;
  }

  /** Calls `observer` with the reason each stream ends; returns an unsubscribe. */
  onEnd(observer: (reason: LiveStreamEndReason) => void): () => void {
    this.endObservers.add(observer);
    return () => this.endObservers.delete(observer);
  }

  /** Throws `rate_limited` (429) when the principal or the process holds as many streams as allowed. */
  assertRoomFor(principal: Principal): void {
    const { perPrincipal, perProcess } = this.options.limits;
    if (this.closed) throw new AppError('not_ready', 'The server is shutting down');
    if (this.followers.size >= perProcess) {
      throw new AppError(
        'rate_limited',
        `This server holds its maximum of ${perProcess} live streams (TANDEM_LIVE_STREAMS_MAX); retry later`,
        { retryAfterSeconds: 30 },
      );
    }
    if ((this.perPrincipal.get(keyOf(principal)) ?? 0) >= perPrincipal) {
      throw new AppError(
        'rate_limited',
        `These credentials already hold the maximum of ${perPrincipal} live streams (TANDEM_LIVE_STREAMS_PER_PRINCIPAL); close one first`,
        { retryAfterSeconds: 30 },
      );
    }
  }

  /**
   * Follows a source on a response whose SSE head is written: committed events and rejections
   * are sent until the client leaves, falls behind, or the credentials stop allowing it.
   */
  follow(input: {
    readonly response: ServerResponse;
    readonly principal: Principal;
    readonly credentials: LiveStreamCredentials;
    readonly permission: Permission;
    readonly sourceId: string;
    readonly mask: PersonalMask | null;
  }): void {
    this.assertRoomFor(input.principal);
    const stream = new LiveStream(input.response, {
      bufferBytes: this.options.limits.bufferBytes,
      closeGraceMs: this.options.closeGraceMs ?? 10_000,
    });
    const follower: Follower = { ...input, stream, endReason: 'client' };
    const key = keyOf(input.principal);
    this.followers.add(follower);
    this.perPrincipal.set(key, (this.perPrincipal.get(key) ?? 0) + 1);
    this.feedOf(input.sourceId).followers.add(follower);
    stream.onEnd(() => this.release(follower));
  }

  /** Authenticates every stream's credentials again; ends those no longer allowed. */
  recheckAll(): Promise<void> {
    return this.recheck([...this.followers]);
  }

  /** Ends every stream (server shutdown) and stops the timers. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.stopListening();
    for (const follower of [...this.followers]) this.end(follower, 'shutdown', SHUTDOWN);
  }

  private onRevoked(revocation: AccessRevocation): void {
    const concerned = [...this.followers].filter((f) => revocationConcerns(revocation, f.principal));
    if (concerned.length > 0) void this.recheck(concerned);
  }

  private async recheck(followers: readonly Follower[]): Promise<void> {
    // Streams opened with the same secret share one authentication.
    const bySecret = new Map<string, Follower[]>();
    for (const follower of followers) {
      const group = bySecret.get(follower.credentials.secret) ?? [];
      group.push(follower);
      bySecret.set(follower.credentials.secret, group);
    }
    for (const group of bySecret.values()) {
      const first = group[0];
      if (!first) continue;
      let current: Principal | undefined;
      try {
        current = await this.authenticate(first.credentials);
      } catch {
        // Storage trouble is not a revocation: the next recheck tries again.
        continue;
      }
      for (const follower of group) {
        const refusal = refusalOf(current, follower);
        if (refusal) this.end(follower, 'revoked', refusal);
      }
    }
  }

  private authenticate(credentials: LiveStreamCredentials): Promise<Principal | undefined> {
    return credentials.kind === 'token'
      ? this.deps.access.authenticateToken(credentials.secret)
      : this.deps.access.authenticateSession(credentials.secret);
  }

  private end(follower: Follower, reason: LiveStreamEndReason, message: StreamEnd): void {
    if (!follower.stream.isOpen) return;
    follower.endReason = reason;
    follower.stream.end(message);
  }

  private release(follower: Follower): void {
    if (!this.followers.delete(follower)) return;
    const key = keyOf(follower.principal);
    const count = (this.perPrincipal.get(key) ?? 1) - 1;
    if (count > 0) this.perPrincipal.set(key, count);
    else this.perPrincipal.delete(key);
    const feed = this.feeds.get(follower.sourceId);
    feed?.followers.delete(follower);
    if (feed && feed.followers.size === 0) {
      feed.unsubscribe();
      this.feeds.delete(follower.sourceId);
    }
    // A stream the buffer bound ended reports itself as ended by the client: tell them apart here.
    const reason =
      follower.endReason === 'client' && follower.stream.droppedAsSlow ? 'slow' : follower.endReason;
    for (const observer of this.endObservers) observer(reason);
  }

  private feedOf(sourceId: string): SourceFeed {
    const existing = this.feeds.get(sourceId);
    if (existing) return existing;
    const feed: SourceFeed = {
      followers: new Set(),
      pending: [],
      flushScheduled: false,
      unsubscribe: this.deps.collector.subscribe(sourceId, (item) => this.queue(feed, item)),
    };
    this.feeds.set(sourceId, feed);
    return feed;
  }

  // Items committed together arrive in one turn of the event loop: they are written as one chunk,
  // serialized once per mask among the followers (roles without pii:read see personal fields masked).
  private queue(feed: SourceFeed, item: CollectedItem): void {
    feed.pending.push(item);
    if (feed.flushScheduled) return;
    feed.flushScheduled = true;
    setImmediate(() => {
      feed.flushScheduled = false;
      const items = feed.pending;
      feed.pending = [];
      const chunks = new Map<PersonalMask | null, Buffer>();
      for (const follower of [...feed.followers]) {
        let chunk = chunks.get(follower.mask);
        if (chunk === undefined) {
          chunk = Buffer.from(items.map((one) => messageOf(one, follower.mask)).join(''));
          chunks.set(follower.mask, chunk);
        }
        follower.stream.send(chunk);
      }
    });
  }

  private heartbeat(): void {
    for (const follower of [...this.followers]) follower.stream.send(': keep-alive\n\n');
  }
}

/** One server-sent message of a committed item, masked for the follower's role. */
function messageOf(item: CollectedItem, mask: PersonalMask | null): string {
  const data =
    item.kind === 'event'
      ? mask
        ? maskStoredEvent(item.event, mask)
        : item.event
      : mask
        ? maskStoredRejection(item.rejection, mask)
        : item.rejection;
  return `event: ${item.kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The secret of the request's credentials, read as the authentication hook reads them. */
export function credentialsOf(request: FastifyRequest): LiveStreamCredentials | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    return secret ? { kind: 'token', secret } : undefined;
  }
  const secret = request.cookies[SESSION_COOKIE];
  return secret ? { kind: 'session', secret } : undefined;
}

function keyOf(principal: Principal): string {
  return principal.kind === 'token' ? `token:${principal.tokenId}` : `session:${principal.sessionId}`;
}

/** Why the credentials, authenticated again, no longer allow the stream; undefined when they do. */
function refusalOf(current: Principal | undefined, follower: Follower): StreamEnd | undefined {
  if (!current) {
    return {
      code: 'unauthorized',
      message:
        'The credentials this stream was opened with are no longer valid (revoked, signed out or expired)',
    };
  }
  if (current.workspaceId !== follower.principal.workspaceId) {
    return { code: 'forbidden', message: 'These credentials now act in another workspace' };
  }
  if (!roleAllows(current.role, follower.permission)) {
    return { code: 'forbidden', message: `Role ${current.role} lacks permission ${follower.permission}` };
  }
  return undefined;
}
