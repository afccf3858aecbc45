import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const WRITE_KEY = 'wk_thread_unmerge_key';
const OWNER = { authorization: 'Bearer tdm_thread_unmerge_owner_token', 'content-type': 'application/json' };

interface ProfileBody {
  id: string;
  computedTraits: Record<string, unknown>;
  audiences: { name: string }[];
}

// On a SQLite file the pipeline runs in its own thread: an unmerge is carried out there, between
// its batches, and every stage re-derives both profiles (built CLI, as an operator runs it).
describe('an unmerge in the pipeline thread', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-thread-unmerge-'));
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    ({ child, url } = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: OWNER.authorization.slice('Bearer '.length),
    }));
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: OWNER,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const track = (calls: Record<string, unknown>[]) =>
    fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ batch: calls }),
    });
  const lookup = async (anonymousId: string): Promise<ProfileBody> =>
    (await api(`/api/v1/profiles/lookup?type=anonymous_id&value=${anonymousId}`)).json();
  /** Polls until `done` holds of the profile of `anonymousId` (the pipeline runs in the background). */
  async function until(anonymousId: string, done: (profile: ProfileBody) => boolean): Promise<ProfileBody> {
    for (let tries = 0; tries < 400; tries++) {
      const response = await api(`/api/v1/profiles/lookup?type=anonymous_id&value=${anonymousId}`);
      if (response.status === 200) {
        const profile = (await response.json()) as ProfileBody;
        if (done(profile)) return profile;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${anonymousId} never got there`);
  }

  it('gives each side its own computed traits and memberships back', async () => {
    expect(
      (
        await api('/api/v1/computed-traits', {
          method: 'POST',
          body: { name: 'orders', kind: 'count', event: 'Order' },
        })
      ).status,
    ).toBe(201);
    const buyers = await api('/api/v1/audiences', {
      method: 'POST',
      body: { name: 'Buyers', rule: { event: 'Order' } },
    });
    expect(buyers.status).toBe(201);
    // The laptop has more events: the phone's profile is merged into it, and restored later.
    await track([
      { type: 'identify', anonymousId: 'laptop', messageId: 'l1', traits: { email: 'shared@example.com' } },
      { type: 'page', anonymousId: 'laptop', messageId: 'l2' },
      { type: 'page', anonymousId: 'laptop', messageId: 'l3' },
      { type: 'track', anonymousId: 'phone', messageId: 'p1', event: 'Order' },
    ]);
    await until('phone', (p) => p.audiences.length === 1);
    await track([
      { type: 'identify', anonymousId: 'phone', messageId: 'p2', traits: { email: 'shared@example.com' } },
    ]);
    const merged = await until('laptop', (p) => p.computedTraits.orders === 1);
    expect((await lookup('phone')).id).toBe(merged.id);
    const merges = (await (await api(`/api/v1/profiles/${merged.id}/merges`)).json()).data as {
      id: string;
    }[];
    const mergeId = merges[0]?.id;

    const unmerge = () => api(`/api/v1/profiles/${merged.id}/unmerge`, { method: 'POST', body: { mergeId } });
    const split = await unmerge();
    expect(split.status).toBe(200);
    const { survivor, restored } = (await split.json()) as { survivor: ProfileBody; restored: ProfileBody };
    expect(survivor).toMatchObject({ id: merged.id, computedTraits: { orders: 0 }, audiences: [] });
    expect(restored).toMatchObject({ computedTraits: { orders: 1 }, audiences: [{ name: 'Buyers' }] });
    // Refused as before, its code carried back from the thread.
    expect((await unmerge()).status).toBe(409);
  });
});
