export { audiencesNeedingPurpose } from './audiences-needing-purpose.js';
export { maskDeliveryBody } from './delivery-masking.js';
export { ALLOW_ALL, type ConsentChecker, type DeliveryOptions } from './delivery-options.js';
export { DELIVERY_STAGE, DeliveryStage, type OutboxWritten } from './delivery-stage.js';
export {
  type DeletionNotice,
  type DestinationPersonDataDeps,
  destinationPersonData,
  personKeyOf,
} from './destination-person-data.js';
export { DestinationsService } from './destinations-service.js';
export { type DirectDelivery, queueDirectDelivery } from './direct-delivery.js';
export { type AttemptReport, backoffMs, Dispatcher } from './dispatcher.js';
export { applyMapping } from './mapping.js';
export { addressRefusal } from './safe-address.js';
export { newSecretKeyText, parseSecretKey, SecretBox } from './secret-box.js';
export type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TargetCheck,
  TransportContext,
  TransportKind,
  TransportLog,
} from './transport.js';
export { isRetryableStatus, signatureOf, webhookTransportKind } from './webhook-transport.js';
