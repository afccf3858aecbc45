import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLI, startTandem } from './support/start-tandem.js';

const run = promisify(execFile);

describe('the tandem CLI on embedded storage', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
  const env = {
    TANDEM_DATA_DIR: dataDir,
    TANDEM_LOG_LEVEL: 'info',
    TANDEM_ADMIN_TOKEN: 'tdm_cli_e2e_owner_token_000',
    TANDEM_WRITE_KEY: 'wk_cli_e2e_write_key',
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints help for every command', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--help']);
    for (const command of ['start', 'migrate', 'user', 'token']) expect(stdout).toContain(command);
    const token = await run(process.execPath, [CLI, 'token', 'create', '--help']);
    expect(token.stdout).toContain('--role');
  });

  it('migrates an empty data folder', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'migrate'], { env: { ...process.env, ...env } });
    expect(stdout).toMatch(/Applied: 0001-foundation/);
    const again = await run(process.execPath, [CLI, 'migrate'], { env: { ...process.env, ...env } });
    expect(again.stdout).toContain('up to date');
  });

  describe('start', () => {
    let server: Awaited<ReturnType<typeof startTandem>>;
    beforeAll(async () => {
      server = await startTandem(env);
    });
    afterAll(() => {
      server.child.kill('SIGKILL');
    });

    it('serves readiness, and the bootstrap token lists the bootstrap source', async () => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const sources = await fetch(`${server.url}/api/v1/sources`, {
        headers: { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}` },
      });
      expect(sources.status).toBe(200);
      expect((await sources.json()).data[0]).toMatchObject({
        name: 'Default',
        writeKey: env.TANDEM_WRITE_KEY,
      });
    });

    it('logs JSON lines with request ids', async () => {
      await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'cli-e2e-1' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const line = server
        .output()
        .split('\n')
        .find((l) => l.includes('cli-e2e-1'));
      expect(line && JSON.parse(line)).toMatchObject({ reqId: 'cli-e2e-1' });
    });

    it('creates users and tokens from the command line', async () => {
      const created = await run(
        process.execPath,
        [CLI, 'token', 'create', '--name', 'ops', '--role', 'viewer'],
        {
          env: { ...process.env, ...env },
        },
      );
      const token = created.stdout.trim();
      const sources = await fetch(`${server.url}/api/v1/sources`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(sources.status).toBe(200);
      await run(
        process.execPath,
        [
          CLI,
          'user',
          'create',
          '--email',
          'ops@example.com',
          '--password',
          'ops lantern quarry 7',
          '--role',
          'admin',
        ],
        { env: { ...process.env, ...env } },
      );
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'ops lantern quarry 7' }),
      });
      expect(login.status).toBe(200);
    });

    it('imports a CSV file with a progress bar, and a re-run duplicates nothing', async () => {
      const file = join(dataDir, 'orders.csv');
      writeFileSync(file, 'customer,total,date\nk1,10,2024-01-01\nk2,20,2024-01-02\n');
      const args = [
        CLI,
        'import',
        file,
        '--source',
        env.TANDEM_WRITE_KEY,
        '--map',
        'userId=customer,properties.total=total,timestamp=date',
        '--event',
        'Order Completed',
      ];
      const first = await run(process.execPath, args, { env: { ...process.env, ...env } });
      expect(first.stdout).toContain('completed: 2 stored');
      expect(first.stderr).toContain('100.0%');
      const second = await run(process.execPath, args, { env: { ...process.env, ...env } });
      expect(second.stdout).toContain('0 stored, 2 already there');
    });

    it('imports a CSV file of deals, and a re-run updates them by their external id', async () => {
      const file = join(dataDir, 'deals.csv');
      writeFileSync(file, 'id,deal,value,stage\nx1,Cli deal,500,Proposal\nx2,Bad stage,1,Nowhere\n');
      const args = [
        CLI,
        'import',
        file,
        '--source',
        env.TANDEM_WRITE_KEY,
        '--type',
        'deal',
        '--currency',
        'EUR',
        '--map',
        'externalId=id,name=deal,amount=value,stage=stage',
      ];
      const first = await run(process.execPath, args, { env: { ...process.env, ...env } });
      expect(first.stdout).toContain('completed: 1 deals created, 0 updated, 1 rejected.');
      expect(first.stdout).toContain(
        'line 2: column "stage" (stage): no stage "Nowhere" in pipeline "Sales"',
      );
      const second = await run(process.execPath, args, { env: { ...process.env, ...env } });
      expect(second.stdout).toContain('completed: 0 deals created, 1 updated, 1 rejected.');
      const deals = await fetch(`${server.url}/api/v1/deals`, {
        headers: { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}` },
      });
      expect((await deals.json()).data).toEqual([expect.objectContaining({ name: 'Cli deal', amount: 500 })]);
    });

    it('fills the workspace with demo data through the Tracking API', async () => {
      const { stdout } = await run(process.execPath, [CLI, 'demo', '--people', '40', '--url', server.url], {
        env: { ...process.env, ...env },
      });
      expect(stdout).toMatch(/Demo: \d+ calls for 40 people .* \(0 rejected\)/);
      const stats = await fetch(`${server.url}/api/v1/sources`, {
        headers: { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}` },
      });
      const source = (await stats.json()).data[0];
      const counters = await fetch(`${server.url}/api/v1/sources/${source.id}/stats`, {
        headers: { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}` },
      });
      expect((await counters.json()).events).toBeGreaterThan(200);
    });

    it('evaluates audiences in the pipeline thread, and keeps them current as events arrive', async () => {
      const admin = { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const created = await fetch(`${server.url}/api/v1/audiences`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'Ordered', rule: { event: 'Order Completed' } }),
      });
      expect(created.status).toBe(201);
      const audience = (await created.json()) as { id: string };
      const members = async () =>
        (
          (await (
            await fetch(`${server.url}/api/v1/audiences/${audience.id}/members?limit=1000`, {
              headers: admin,
            })
          ).json()) as { data: { profileId: string }[] }
        ).data;
      // The imported orders' customers (k1, k2) and the demo's buyers, evaluated before the answer.
      const before = await members();
      expect(before.length).toBeGreaterThanOrEqual(2);

      // A new customer's first order: the pipeline thread lets them in, with no request of ours.
      const basic = `Basic ${Buffer.from(`${env.TANDEM_WRITE_KEY}:`).toString('base64')}`;
      const tracked = await fetch(`${server.url}/v1/track`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'new-buyer', event: 'Order Completed', properties: { total: 5 } }),
      });
      expect(tracked.status).toBe(200);
      let after = before;
      for (let attempt = 0; attempt < 100 && after.length === before.length; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await members();
      }
      expect(after.length).toBe(before.length + 1);
    });

    it('shuts down gracefully on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
      server.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(server.output()).toContain('shutting down');
    });
  });

  it('rebuilds profiles, computed traits and audiences from the log', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'rebuild'], { env: { ...process.env, ...env } });
    expect(stdout).toMatch(/Rebuilt profiles from [1-9]\d* events/);
  });

  it('fails fast with a clear message on bad configuration', async () => {
    const failure = await run(process.execPath, [CLI, 'migrate'], {
      env: { ...process.env, DATABASE_URL: 'mysql://nope' },
    }).catch((error: { stderr: string; code: number }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('DATABASE_URL');
  });
});
