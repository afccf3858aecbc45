export { type TaskReader, type TasksDeps, TasksService } from './tasks-service.js';
