export { DEFAULT_PEOPLE_COLUMNS, peopleCsv } from './people-export.js';
export { type SavedViewActor, SavedViewsService } from './saved-views-service.js';
