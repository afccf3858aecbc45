export type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TransportContext,
  TransportKind,
  TransportLog,
} from './transport.js';
