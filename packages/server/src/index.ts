/** @tandem/server — the HTTP server of Tandem, for embedding and tests. */
export { type BuildAppOptions, buildApp, type RouteEntry } from './app.js';
export { type Config, ConfigError, loadConfig, SETTINGS } from './config.js';
export { openEngine, startServer } from './start-server.js';
