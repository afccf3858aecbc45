import type { JetStreamClient, NatsConnection } from 'nats';
import type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TransportKind,
} from '../destinations/index.js';
import {
  bodyBytes,
  DEFAULT_SEND_TIMEOUT_MS,
  describeError,
  failure,
  HostGuard,
  SharedConnection,
  sendInProfileOrder,
  withinBound,
} from './send-helpers.js';

// NATS: a JetStream publish (acknowledged by the stream, deduplicated on the delivery id through
// Nats-Msg-Id) when a stream captures the subject; otherwise a core publish confirmed by a flush.

/** How long a subject's stream (or the lack of one) is remembered before it is looked up again. */
const STREAM_LOOKUP_TTL_MS = 30_000;

export interface NatsTransportOptions {
  /** Bound of one message's send (connect, stream lookup, publish and ack). */
  readonly timeoutMs?: number | undefined;
}

export function natsTransportKind(options: NatsTransportOptions = {}): TransportKind<'nats'> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    type: 'nats',
    async open(context) {
      const { subject } = context.config;
      // The client loads with the first NATS destination a process opens.
      const { connect, headers: natsHeaders } = await import('nats');
      // `host:port` alone is accepted as well as `nats://user:password@host:port`.
      const raw = context.config.url.includes('://') ? context.config.url : `nats://${context.config.url}`;
      const server = new URL(raw);
      const guard = new HostGuard(server.hostname, context.allowPrivateNetworks);
      const connection = new SharedConnection<NatsConnection>(
        async () => {
          await guard.check();
          const nc = await connect({
            servers: `${server.hostname}:${server.port || '4222'}`,
            ...(server.username ? { user: decodeURIComponent(server.username) } : {}),
            ...(server.password ? { pass: decodeURIComponent(server.password) } : {}),
            timeout: timeoutMs,
            // The client reconnects by itself after a drop; publishes wait within the send bound.
            reconnect: true,
            maxReconnectAttempts: -1,
            reconnectTimeWait: 500,
            name: `tandem ${context.destinationId}`,
          });
          context.log('info', 'Connected to NATS', { destinationId: context.destinationId });
          // Closed for good (not a drop the client recovers from): the next send connects anew.
          void nc.closed().then((error) => {
            if (error) context.log('warn', `NATS connection closed: ${describeError(error)}`);
            connection.forget(nc);
          });
          return nc;
        },
        async (nc) => {
          if (!nc.isClosed()) await nc.close();
        },
      );

      let streamLookup: { stream: string | undefined; at: number } | undefined;
      const streamOf = async (nc: NatsConnection): Promise<string | undefined> => {
        if (streamLookup && Date.now() - streamLookup.at < STREAM_LOOKUP_TTL_MS) return streamLookup.stream;
        let stream: string | undefined;
        try {
          const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
          stream = await jsm.streams.find(subject);
        } catch (error) {
          // No stream captures the subject, or the server has no JetStream: a core publish.
          const text = describeError(error);
          if (!/no stream matches|503|jetstream not enabled|no responders/i.test(text)) throw error;
          stream = undefined;
        }
        streamLookup = { stream, at: Date.now() };
        return stream;
      };

      const headersOf = (message: DeliveryMessage) => {
        const h = natsHeaders();
        h.set('Tandem-Delivery-Id', message.deliveryId);
        h.set('Tandem-Type', message.type);
        h.set('Content-Type', 'application/json');
        return h;
      };
      const where = `NATS at ${server.host}`;
      const failed = (error: unknown) => failure(`NATS publish to ${subject} failed`, error);

      /** A JetStream publish, acknowledged by the stream once stored (or known as a duplicate). */
      const publishToStream = async (
        js: JetStreamClient,
        message: DeliveryMessage,
        signal: AbortSignal,
      ): Promise<DeliveryOutcome> => {
        try {
          await withinBound(
            js.publish(subject, bodyBytes(message), {
              msgID: message.deliveryId,
              timeout: timeoutMs,
              headers: headersOf(message),
            }),
            timeoutMs,
            where,
            signal,
          );
          return { ok: true };
        } catch (error) {
          return failed(error);
        }
      };

      const transport: DestinationTransport = {
        async send(messages, signal) {
          let nc: NatsConnection;
          let stream: string | undefined;
          try {
            nc = await withinBound(connection.get(), timeoutMs, where, signal);
            stream = await withinBound(streamOf(nc), timeoutMs, where, signal);
          } catch (error) {
            return messages.map(() => failed(error));
          }
          if (stream) {
            const js = nc.jetstream();
            return sendInProfileOrder(messages, signal, (message, scoped) =>
              publishToStream(js, message, scoped),
            );
          }
          // Core NATS: the messages go out in order on the one connection, and one flush (a round
          // trip) proves the server has read them all.
          try {
            for (const message of messages)
              nc.publish(subject, bodyBytes(message), { headers: headersOf(message) });
            await withinBound(nc.flush(), timeoutMs, where, signal);
            return messages.map(() => ({ ok: true }));
          } catch (error) {
            return messages.map(() => failed(error));
          }
        },
        close: () => connection.close(),
      };
      return transport;
    },
  };
}

/** NATS (JetStream when the subject has a stream) with the default bounds. */
export const natsTransport: TransportKind<'nats'> = natsTransportKind();
