import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { HASHED_ASSET_CACHE, PAGE_CACHE } from './web-ui.js';

// A build as web/precompress-plugin.ts leaves it: each text asset with .br and .gz copies.
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/app-4f2a9c.js"></script></head><body>${'<!-- padding -->'.repeat(100)}</body></html>`;
const SCRIPT = `export const greeting = ${JSON.stringify('hello '.repeat(500))};\n`;
const PLAIN_ONLY = 'console.log("small");\n';

describe('the web UI: precompressed assets and cache headers', () => {
  const dist = mkdtempSync(join(tmpdir(), 'tandem-dist-'));
  let server: TestServer;

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    for (const [path, text] of [
      ['index.html', INDEX],
      ['assets/app-4f2a9c.js', SCRIPT],
    ] as const) {
      writeFileSync(join(dist, path), text);
      writeFileSync(join(dist, `${path}.br`), brotliCompressSync(text));
      writeFileSync(join(dist, `${path}.gz`), gzipSync(text));
    }
    writeFileSync(join(dist, 'assets/tiny-1b2c3d.js'), PLAIN_ONLY);
    server = await startTestServer('sqlite', { TANDEM_WEB_DIST: dist });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    server.app.inject({
      url,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  it('sends the brotli copy to a client that accepts it, immutable for a year', async () => {
    const response = await get('/assets/app-4f2a9c.js', 'gzip, deflate, br, zstd');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(response.headers['cache-control']).toBe(HASHED_ASSET_CACHE);
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(SCRIPT);
  });

  it('sends gzip to a client without brotli, and the plain file to one accepting neither', async () => {
    const gzipped = await get('/assets/app-4f2a9c.js', 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(SCRIPT);
    expect(String(gzipped.headers.vary).toLowerCase()).toContain('accept-encoding');

    for (const acceptEncoding of [undefined, 'identity']) {
      const plain = await get('/assets/app-4f2a9c.js', acceptEncoding);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(SCRIPT);
      expect(plain.headers['cache-control']).toBe(HASHED_ASSET_CACHE);
    }
  });

  it('falls back to the plain file when the build wrote no compressed copy', async () => {
    const response = await get('/assets/tiny-1b2c3d.js', 'br, gzip');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toBe(PLAIN_ONLY);
    // The plain answer still varies by encoding: a shared cache must not give it to everyone.
    expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
  });

  it('revalidates index.html on every load, at / and at a deep link, compressed', async () => {
    for (const url of ['/', '/people/prf_123']) {
      const response = await get(url, 'br');
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe(PAGE_CACHE);
      expect(response.headers['content-encoding'], url).toBe('br');
      expect(response.headers['content-type'], url).toMatch(/text\/html/);
      expect(brotliDecompressSync(response.rawPayload).toString(), url).toBe(INDEX);
    }
  });

  it('keeps answering JSON errors on API paths and 404 for missing assets', async () => {
    const api = await get('/api/v1/nothing-here', 'br');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'not_found' } });
    const gone = await get('/assets/app-000000.js', 'br');
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toMatch(/json/);
  });
});
