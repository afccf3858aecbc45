/** Helpers for test suites that must run on every storage engine. */
export { ENGINES, isolatedStoreOptions, openTestEngine } from './test-stores.js';
