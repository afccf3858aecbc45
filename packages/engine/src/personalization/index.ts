export {
  EMPTY_SETTINGS,
  type PersonalizationGate,
  PersonalizationService,
  type Visitor,
} from './personalization-service.js';
