// Shared pieces of the benchmarks: building, a server in a child process, RSS sampling, tables.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

export const root = new URL('../..', import.meta.url).pathname;

export async function ensureBuilt() {
  await promisify(execFile)(process.execPath, [`${root}scripts/ensure-built.mjs`], { cwd: root });
}

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The token the benchmarks' servers open /metrics with (TANDEM_METRICS_TOKEN). */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** The Prometheus text of a server started by startServer. */
export async function scrapeMetrics(url) {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}: ${await response.text()}`);
  return response.text();
}

/**
 * Starts `tandem start` in its own process and waits until /readyz answers 200. `checkoutRoot`
 * runs another (built) checkout's server, to compare releases in one run.
 */
export async function startServer(env, { root: checkoutRoot = root } = {}) {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS: flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, `${checkoutRoot}packages/server/dist/cli.js`, 'start'],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        TANDEM_LOG_LEVEL: 'warn',
        TANDEM_METRICS_TOKEN: BENCH_METRICS_TOKEN,
        ...env,
      },
      // Its logs (warnings and errors only) go to our stderr, out of the printed figures.
      stdio: ['ignore', 2, 'inherit'],
    },
  );
  // A benchmark that fails half-way must not leave a server running (and loading the machine).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Samples a process's resident memory; `max()` is the peak in MB. */
/** CPU seconds a process has used so far, all its threads (user + system; Linux ticks of 1/100 s). */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function sampleRss(pid, everyMs = 200) {
  let peak = 0;
  let peakOwn = 0;
  let fileAtPeak = 0;
  const kb = (status, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = kb(status, 'VmRSS');
      // The process's own memory (heap, stacks, SQLite's caches) beside the pages of the store's
      // file it maps (mmap): those are the OS page cache, shared and reclaimable.
      const own = kb(status, 'RssAnon') + kb(status, 'RssShmem');
      if (rss > peak) {
        peak = rss;
        fileAtPeak = kb(status, 'RssFile');
      }
      peakOwn = Math.max(peakOwn, own);
    } catch {
      // process gone
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    max: () => peak,
    /** Peak of the process's own memory, mapped file pages left out. */
    maxOwn: () => peakOwn,
    /** File-backed pages (the mapped store, code) at the RSS peak. */
    fileAtPeak: () => fileAtPeak,
    stop: () => clearInterval(timer),
  };
}

/**
 * Runs the load generator in a separate process and returns its JSON result. `onMeasuring` is
 * called when its unmeasured warm-up is over (paced runs), so that server-side figures read
 * from then on cover the same requests as the generator's.
 */
export function generateLoad(options, { onMeasuring } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`${root}scripts/bench/load-generator.mjs`, JSON.stringify(options)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let pending = '';
    let result;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = JSON.parse(pending.slice(0, end));
        pending = pending.slice(end + 1);
        if (line.measuring) onMeasuring?.();
        else result = line;
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`the load generator exited with ${code}`)),
    );
  });
}

export function printTable(title, rows) {
  console.log(`\n${title}`);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => String(row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  '));
}

export const fmt = (n, digits = 0) =>
  Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
