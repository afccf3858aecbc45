export { AppError, type Result } from './app-error.js';
export { Readers, type ReadersOf } from './readers.js';
