export { type CsvCell, csvOfPages } from './csv-stream.js';
export { COMPANY_COLUMNS, companiesCsv, DEAL_COLUMNS, dealsCsv } from './list-exports.js';
export { DEFAULT_PEOPLE_COLUMNS, peopleCsv } from './people-export.js';
export { type SavedViewActor, SavedViewsService } from './saved-views-service.js';
