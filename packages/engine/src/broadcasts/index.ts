export {
  type BroadcastAudiences,
  type BroadcastsDeps,
  type BroadcastsOptions,
  BroadcastsService,
} from './broadcasts-service.js';
