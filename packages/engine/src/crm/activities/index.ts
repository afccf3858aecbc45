export { ACTIVITY_EVENTS, type ActivitiesDeps, ActivitiesService } from './activities-service.js';
