import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTandem } from './start-tandem.js';
import { launchChromium, STRONG_PASSWORD } from './web-ui-browser.js';

/** A browser test's Tandem: `tandem start` on a fresh data directory, its owner, a browser. */
export interface TandemInBrowser {
  readonly url: string;
  readonly dataDir: string;
  readonly browser: Browser;
  readonly owner: { readonly email: string; readonly password: string };
  readonly writeKey: string;
  /** The owner's API token (`TANDEM_ADMIN_TOKEN`). */
  readonly adminToken: string;
  /** Sends Segment calls with the source's write key; expects 200 and answers the body. */
  track(batch: readonly unknown[]): Promise<{ rejected?: { index: number; code: string }[] }>;
  /** Calls the admin API as the owner; expects a 2xx and answers the parsed body. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Saves a full-page screenshot under /tmp/shots-<name>, to look at. */
  shot(page: Page, name: string): Promise<void>;
}

/**
 * Registers, in the calling `describe`, a Tandem started before its tests and stopped after
 * (data directory removed), with an owner who signs in and a source's write key. `env` adds to
 * or overrides the server's environment.
 */
export function tandemInBrowser(name: string, env: Record<string, string> = {}): TandemInBrowser {
  const dataDir = mkdtempSync(join(tmpdir(), `tandem-${name}-`));
  const shots = `/tmp/shots-${name}`;
  const owner = { email: `owner.${name}@example.com`, password: STRONG_PASSWORD };
  const writeKey = `wk_${name}_browser_key`.replace(/-/g, '_');
  const adminToken = `tdm_${name}_browser_owner_token_0123456789`.replace(/-/g, '_');
  let server: Awaited<ReturnType<typeof startTandem>> | undefined;
  let browser: Browser | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('tandemInBrowser: used before its beforeAll ran');
    return value;
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: owner.email,
      TANDEM_ADMIN_PASSWORD: owner.password,
      TANDEM_ADMIN_TOKEN: adminToken,
      TANDEM_WRITE_KEY: writeKey,
      ...env,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    get url() {
      return started(server).url;
    },
    get browser() {
      return started(browser);
    },
    dataDir,
    owner,
    writeKey,
    adminToken,
    async track(batch) {
      const response = await fetch(`${started(server).url}/v1/batch`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ batch }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return response.json();
    },
    async api(method, path, body) {
      const response = await fetch(`${started(server).url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true);
      return text === '' ? undefined : JSON.parse(text);
    },
    shot: async (page, shotName) => {
      await page.screenshot({
        path: join(shots, `${shotName}.png`),
        fullPage: true,
        animations: 'disabled',
      });
    },
  };
}
