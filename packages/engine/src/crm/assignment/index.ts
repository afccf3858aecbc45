export { TeamsService } from './teams-service.js';
