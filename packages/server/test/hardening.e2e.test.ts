import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

// The built CLI as an operator runs it, with the default umask: what lands on disk and on which port.
describe('tandem start, hardened', () => {
  const parent = mkdtempSync(join(tmpdir(), 'tandem-hardening-'));
  const dataDir = join(parent, 'data');
  let child: ChildProcess;
  let url: string;
  let output: () => string;

  beforeAll(async () => {
    ({ child, url, output } = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_METRICS_LISTEN: '127.0.0.1:0',
    }));
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(parent, { recursive: true, force: true });
  });

  it('keeps its data folder and database files to its owner', () => {
    expect(modeOf(dataDir)).toBe(0o700);
    for (const file of ['tandem.db', 'tandem.db-wal', 'tandem.db-shm']) {
      expect(modeOf(join(dataDir, file)), file).toBe(0o600);
    }
  });

  it('serves /metrics on its own listener only', async () => {
    let metricsUrl: string | undefined;
    while (!metricsUrl) {
      metricsUrl = /Metrics served on (http:\/\/[\d.]+:\d+\/metrics)/.exec(output())?.[1];
      if (!metricsUrl) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const metrics = await fetch(metricsUrl);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('tandem_http_requests_total');
    const onMainPort = await fetch(`${url}/metrics`);
    expect(onMainPort.status).toBe(404);
    expect((await onMainPort.json()).error.message).toContain('TANDEM_METRICS_TOKEN');
  });
});
