export { type AmqpTransportOptions, amqpTransport, amqpTransportKind } from './amqp-transport.js';
export { type NatsTransportOptions, natsTransport, natsTransportKind } from './nats-transport.js';
export {
  type RedisStreamTransportOptions,
  redisStreamTransport,
  redisStreamTransportKind,
} from './redis-stream-transport.js';
export {
  DEFAULT_SEND_TIMEOUT_MS,
  HostGuard,
  RefusedAddress,
  sendInProfileOrder,
  withinBound,
} from './send-helpers.js';
