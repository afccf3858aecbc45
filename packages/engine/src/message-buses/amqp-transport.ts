import type { ChannelModel, ConfirmChannel } from 'amqplib';
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
  retryable,
  SharedConnection,
  sendInProfileOrder,
  withinBound,
} from './send-helpers.js';

// RabbitMQ (AMQP 0-9-1): persistent messages on a confirm channel, `mandatory` so that a message
// no queue receives comes back (a failure, not a silent loss), messageId = the delivery id.

export interface AmqpTransportOptions {
  /** Bound of one message's send (connect, publish and the broker's confirm). */
  readonly timeoutMs?: number | undefined;
}

interface AmqpLink {
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Delivery ids the broker returned as unroutable, until their confirm is read. */
  readonly returned: Set<string>;
  /** Why the broker closed the channel (a missing exchange), for the failures it caused. */
  closedBecause?: Error;
}

export function amqpTransportKind(options: AmqpTransportOptions = {}): TransportKind<'amqp'> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    type: 'amqp',
    async open(context) {
      const { exchange, routingKey } = context.config;
      // The client loads with the first AMQP destination a process opens.
      const { connect } = await import('amqplib');
      const where = exchange === '' ? `the default exchange (queue ${routingKey})` : `exchange ${exchange}`;
      const guard = new HostGuard(new URL(context.config.url).hostname, context.allowPrivateNetworks);
      const link = new SharedConnection<AmqpLink>(
        async () => {
          await guard.check();
          const connection = await connect(context.config.url, { timeout: timeoutMs });
          try {
            const channel = await connection.createConfirmChannel();
            const opened: AmqpLink = { connection, channel, returned: new Set() };
            // A broken connection or channel (server down, missing exchange): the next send opens anew.
            const drop = (what: string) => (error?: Error) => {
              if (error) context.log('warn', `AMQP ${what} closed: ${describeError(error)}`);
              link.forget(opened);
            };
            connection.on('error', () => undefined);
            connection.on('close', drop('connection'));
            channel.on('error', (error: Error) => {
              opened.closedBecause = error;
            });
            channel.on('close', drop('channel'));
            channel.on('return', (returned) => {
              const id = returned.properties.messageId;
              if (typeof id === 'string') opened.returned.add(id);
            });
            context.log('info', 'Connected to AMQP', { destinationId: context.destinationId });
            return opened;
          } catch (error) {
            await connection.close().catch(() => undefined);
            throw error;
          }
        },
        async ({ connection }) => {
          await connection.close();
        },
      );

      const publish = (open: AmqpLink, message: DeliveryMessage) =>
        new Promise<void>((resolve, reject) => {
          try {
            open.channel.publish(
              exchange,
              routingKey,
              bodyBytes(message),
              {
                persistent: true,
                mandatory: true,
                messageId: message.deliveryId,
                type: message.type,
                contentType: 'application/json',
                timestamp: Math.floor(Date.parse(message.occurredAt) / 1000) || undefined,
                headers: {
                  'x-tandem-delivery-id': message.deliveryId,
                  'x-tandem-type': message.type,
                  'x-tandem-destination-id': message.destinationId,
                },
              },
              (error) =>
                error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
            );
          } catch (error) {
            reject(error);
          }
        });

      const sendOne = async (message: DeliveryMessage, signal: AbortSignal): Promise<DeliveryOutcome> => {
        const work = (async (): Promise<DeliveryOutcome> => {
          const open = await link.get();
          try {
            await publish(open, message);
          } catch (error) {
            link.forget(open);
            // "channel closed" says less than the broker's reason for closing it.
            throw open.closedBecause ?? error;
          }
          // The broker returns an unroutable message before it confirms it.
          if (open.returned.delete(message.deliveryId)) {
            return retryable(
              `No queue is bound to ${where} with routing key "${routingKey}": the message was returned`,
            );
          }
          return { ok: true };
        })();
        try {
          return await withinBound(work, timeoutMs, 'The AMQP broker', signal);
        } catch (error) {
          return failure(`AMQP publish to ${where} failed`, error);
        }
      };

      const transport: DestinationTransport = {
        send: (messages, signal) => sendInProfileOrder(messages, signal, sendOne),
        close: () => link.close(),
      };
      return transport;
    },
  };
}

/** RabbitMQ / AMQP 0-9-1 with the default bounds. */
export const amqpTransport: TransportKind<'amqp'> = amqpTransportKind();
