export { type BootstrapOptions, type BootstrapResult, bootstrapIfEmpty } from './bootstrap.js';
