export { AppError, type Result } from './app-error.js';
