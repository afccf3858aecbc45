import type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TransportKind,
} from '../destinations/index.js';
import {
  DEFAULT_SEND_TIMEOUT_MS,
  failure,
  HostGuard,
  retryable,
  sendInProfileOrder,
  withinBound,
} from './send-helpers.js';

// Redis Streams: XADD with the fields deliveryId, type and body (the JSON body), capped with
// MAXLEN ~ when the destination sets maxLength.

export interface RedisStreamTransportOptions {
  /** Bound of one message's send (connect included). */
  readonly timeoutMs?: number | undefined;
}

export function redisStreamTransportKind(
  options: RedisStreamTransportOptions = {},
): TransportKind<'redis-stream'> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    type: 'redis-stream',
    async open(context) {
      const { stream, maxLength } = context.config;
      // The client loads with the first Redis destination a process opens.
      const { Redis } = await import('ioredis');
      const guard = new HostGuard(new URL(context.config.url).hostname, context.allowPrivateNetworks);
      // One client per destination; ioredis reconnects by itself (backing off up to 2 s). Without
      // an offline queue a command while disconnected fails at once instead of waiting.
      const client = new Redis(context.config.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
        connectionName: `tandem-${context.destinationId}`,
        // Commands of concurrent sends go out as one pipeline per tick.
        enableAutoPipelining: true,
      });
      let wasReady = false;
      client.on('error', () => undefined);
      client.on('ready', () => {
        context.log('info', wasReady ? 'Reconnected to Redis' : 'Connected to Redis', {
          destinationId: context.destinationId,
        });
        wasReady = true;
      });
      let closed = false;

      let waiting: Promise<void> | undefined;
      /** Resolves once the client is ready; starts connecting when it never did. */
      const ready = async (): Promise<void> => {
        if (client.status === 'ready') return;
        await guard.check();
        // Ready meanwhile (the check awaited a lookup): TypeScript narrowed the status too early.
        if ((client.status as string) === 'ready') return;
        if (client.status === 'wait' || client.status === 'end') {
          return client.connect();
        }
        // Connecting or waiting to reconnect: wait for ready, or the next failure (one waiter
        // shared by every send meanwhile).
        waiting ??= new Promise<void>((resolve, reject) => {
          const onReady = () => {
            client.off('error', onError);
            resolve();
          };
          const onError = (error: Error) => {
            client.off('ready', onReady);
            reject(error);
          };
          client.once('ready', onReady);
          client.once('error', onError);
        }).finally(() => {
          waiting = undefined;
        });
        return waiting;
      };

      const sendOne = async (message: DeliveryMessage, signal: AbortSignal): Promise<DeliveryOutcome> => {
        if (closed) return retryable('The transport is closed');
        const work = (async (): Promise<DeliveryOutcome> => {
          await ready();
          const fields = [
            'deliveryId',
            message.deliveryId,
            'type',
            message.type,
            'body',
            message.rawBody ?? JSON.stringify(message.body),
          ];
          if (maxLength !== undefined) await client.xadd(stream, 'MAXLEN', '~', maxLength, '*', ...fields);
          else await client.xadd(stream, '*', ...fields);
          return { ok: true };
        })();
        try {
          return await withinBound(work, timeoutMs, 'Redis', signal);
        } catch (error) {
          return failure(`XADD to ${stream} failed`, error);
        }
      };

      const transport: DestinationTransport = {
        send: (messages, signal) => sendInProfileOrder(messages, signal, sendOne),
        async close() {
          closed = true;
          client.disconnect();
        },
      };
      return transport;
    },
  };
}

/** Redis Streams with the default bounds. */
export const redisStreamTransport: TransportKind<'redis-stream'> = redisStreamTransportKind();
