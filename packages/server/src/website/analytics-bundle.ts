import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The bundle embeds the write key where Segment's CDN does: this placeholder, once. */
const WRITE_KEY_PLACEHOLDER = '__WRITE_KEY__';
/** The lazy chunks the standalone bundle loads from `<cdn>/analytics-next/bundles/`. */
const CHUNK_FILE = /^[\w-]+\.bundle\.[0-9a-f]+\.js$/;

/**
 * Segment's standalone analytics.js (`@segment/analytics-next`'s UMD build) and its lazy chunks,
 * read once from node_modules: Tandem serves them as Segment's CDN does.
 */
export class AnalyticsBundle {
  private readonly standalone: string;
  private readonly chunks: ReadonlyMap<string, Buffer>;
  readonly version: string;

  constructor(umdDir = defaultUmdDir()) {
    this.standalone = readFileSync(join(umdDir, 'standalone.js'), 'utf8');
    if (!this.standalone.includes(WRITE_KEY_PLACEHOLDER)) {
      throw new Error(`analytics.js at ${umdDir} has no write key placeholder`);
    }
    this.chunks = new Map(
      readdirSync(umdDir)
        .filter((name) => CHUNK_FILE.test(name))
        .map((name) => [name, readFileSync(join(umdDir, name))]),
    );
    const packageJson = JSON.parse(readFileSync(join(umdDir, '..', '..', 'package.json'), 'utf8'));
    this.version = String(packageJson.version);
  }

  /** The bundle for a write key (checked by the caller to be a plain token: no quoting needed). */
  forWriteKey(writeKey: string): string {
    return this.standalone.replace(WRITE_KEY_PLACEHOLDER, writeKey);
  }

  /** A lazy chunk by its file name, or undefined. */
  chunk(name: string): Buffer | undefined {
    return this.chunks.get(name);
  }

  chunkNames(): string[] {
    return [...this.chunks.keys()];
  }
}

function defaultUmdDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist', 'umd');
}
