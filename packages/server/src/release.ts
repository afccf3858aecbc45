import { createRequire } from 'node:module';

/** This release's version, as packages/server/package.json states it (the API's and the CLI's). */
export const RELEASE_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
