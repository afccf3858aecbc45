import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../src/testing/test-server.js';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const MANIFEST = `${WEB_DIST}/.vite/manifest.json`;
// The page a signed-in user lands on (`/` redirects there).
const FIRST_PAGE = 'src/people/people-page.tsx';
const BUDGET_BYTES = 300_000;

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; css?: string[] };

/**
 * The script the first page downloads, measured on the wire: index.html's script and
 * modulepreload tags, then the landing area's lazy chunk and the chunks it imports, each fetched
 * from the real server with `Accept-Encoding: br` as a browser sends it.
 */
describe('first load of the web UI', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { TANDEM_WEB_DIST: WEB_DIST });
  });
  afterAll(() => server.close());

  it(`downloads under ${BUDGET_BYTES / 1000} kB of script, compressed`, async () => {
    expect(existsSync(MANIFEST), 'run `npm run build` first').toBe(true);
    const index = await server.app.inject({ url: '/', headers: { 'accept-encoding': 'br' } });
    expect(index.statusCode).toBe(200);
    // The body is brotli: read the page's tags from the plain file the server would also send.
    const html = readFileSync(`${WEB_DIST}/index.html`, 'utf8');
    const tagged = [
      ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g),
    ].map((match) => (match[1] ?? '').replace(/^\//, ''));
    expect(tagged.length).toBeGreaterThan(0);

    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestChunk>;
    const scripts = new Set(tagged);
    const visited = new Set<string>();
    const addWithImports = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || visited.has(key)) return;
      visited.add(key);
      scripts.add(chunk.file);
      for (const imported of chunk.imports ?? []) addWithImports(imported);
    };
    expect(manifest[FIRST_PAGE], `${FIRST_PAGE} is its own chunk`).toBeDefined();
    addWithImports(FIRST_PAGE);

    let wire = 0;
    let plain = 0;
    for (const file of scripts) {
      const response = await server.app.inject({ url: `/${file}`, headers: { 'accept-encoding': 'br' } });
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['cache-control'], file).toContain('immutable');
      wire += response.rawPayload.length;
      plain += readFileSync(`${WEB_DIST}/${file}`).length;
    }
    console.log(
      `first load: ${scripts.size} scripts, ${(wire / 1000).toFixed(1)} kB on the wire (brotli), ` +
        `${(plain / 1000).toFixed(1)} kB uncompressed; budget ${BUDGET_BYTES / 1000} kB`,
    );
    expect(wire).toBeLessThan(BUDGET_BYTES);
  });
});
