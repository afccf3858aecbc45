import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

// Every Tracking API request gets an answer within a bound, whatever its body: a real server
// process (built CLI, ingest threads on) over raw HTTP, so that truncated gzip and invalid UTF-8
// reach it as sent.
const WRITE_KEY = 'wk_tracking_answers_key';
const ADMIN_TOKEN = 'tdm_tracking_answers_owner_token_0';
const AUTH = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const ANSWER_WITHIN_MS = 5000;
const SEED = 20261202;
const KNOWN_PATHS = ['identify', 'track', 'page', 'screen', 'group', 'alias', 'batch', 'import'].map(
  (name) => `/v1/${name}`,
);

interface Answer {
  readonly status: number;
  readonly body: string;
}

interface Probe {
  readonly bytes: Buffer;
  readonly headers: Record<string, string>;
  /** What the body is, for the failure message. */
  readonly label: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Posts raw bytes; rejects unless a status comes back within ANSWER_WITHIN_MS. */
function post(base: string, path: string, probe: Probe): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        hostname,
        port,
        path,
        method: 'POST',
        headers: { authorization: AUTH, 'content-length': String(probe.bytes.length), ...probe.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms: POST ${path} ${probe.label}`));
    }, ANSWER_WITHIN_MS);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}: POST ${path} ${probe.label}`));
    });
    request.end(probe.bytes);
  });
}

/** The answer is a status of the contract with its body: success, or the error body. */
function expectAnswered(answer: Answer, label: string): void {
  expect(answer.status, label).toBeGreaterThanOrEqual(200);
  // A 5xx would be the server failing on a body; every body is the client's to get right.
  expect(answer.status, `${label}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  const body = JSON.parse(answer.body);
  if (answer.status === 200) expect(body.success, label).toBe(true);
  else expect(body.error, label).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

/** A call every endpoint takes (the endpoint names its type), with `extra` members. */
function callText(extra: string): string {
  return `{"type":"track","userId":"u","anonymousId":"a","groupId":"g","previousId":"p","event":"E"${extra}}`;
}

/** The body for `path`: single-call endpoints take the call, batch endpoints a batch of it. */
function bodyFor(path: string, call: string): string {
  return path === '/v1/batch' || path === '/v1/import' ? `{"batch":[${call}]}` : call;
}

function nested(open: '[' | '{', depth: number): string {
  return open === '['
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const FIELDS = ['traits', 'properties', 'context', 'integrations', 'custom'] as const;

const deep = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 400, max: 16_000 })),
    open: fc.constantFrom<'[' | '{'>('[', '{'),
    where: fc.constantFrom(...FIELDS, 'batch item', 'whole body'),
  })
  .map(({ depth, open, where }) => (path: string) => {
    const structure = nested(open, depth);
    const text =
      where === 'whole body'
        ? structure
        : where === 'batch item'
          ? `{"batch":[${structure}]}`
          : bodyFor(path, callText(`,"${where}":${structure}`));
    return { text, label: `${open} nested ${depth} deep in ${where}` };
  });

const wide = fc
  .record({
    members: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 3000, max: 60_000 })),
    kind: fc.constantFrom('object', 'array', 'calls'),
    where: fc.constantFrom(...FIELDS),
  })
  .map(({ members, kind, where }) => (path: string) => {
    if (kind === 'calls') {
      const calls = Array.from({ length: Math.min(members, 3000) }, () => callText(''));
      return { text: `{"batch":[${calls.join(',')}]}`, label: `a batch of ${calls.length} calls` };
    }
    const items = Array.from({ length: members }, (_, i) => (kind === 'object' ? `"k${i}":${i}` : `${i}`));
    const structure = kind === 'object' ? `{${items.join(',')}}` : `[${items.join(',')}]`;
    return {
      text: bodyFor(path, callText(`,"${where}":${structure}`)),
      label: `${members}-member ${kind} in ${where}`,
    };
  });

// Characters that trip text handling: NUL, lone surrogates, BOM, non-characters, bidi overrides.
const oddUnit = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\uffff', '\u202e', '\u2028', '"', '\\'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const oddText = fc.string({ unit: oddUnit, maxLength: 40 });

const huge = fc
  .record({
    length: fc.oneof(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 30_000, max: 700_000 })),
    unit: oddUnit,
    field: fc.constantFrom('event', 'userId', 'messageId', 'property', 'key'),
  })
  .map(({ length, unit, field }) => (path: string) => {
    const text = JSON.stringify(unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
    const extra =
      field === 'property'
        ? `,"properties":{"p":${text}}`
        : field === 'key'
          ? `,"properties":{${text}:1}`
          : `,"${field}":${text}`;
    return { text: bodyFor(path, callText(extra)), label: `a ${length}-character string in ${field}` };
  });

const odd = fc
  .record({ key: oddText, value: oddText, event: oddText, userId: oddText })
  .map((fields) => (path: string) => {
    const call = {
      type: 'track',
      userId: fields.userId,
      event: fields.event,
      groupId: fields.userId,
      previousId: 'p',
      properties: { [fields.key]: fields.value },
      traits: { [fields.key]: [fields.value] },
    };
    return { text: bodyFor(path, JSON.stringify(call)), label: `odd Unicode ${JSON.stringify(fields)}` };
  });

/** Any of the families above, as text for an endpoint. */
const content = fc.oneof(deep, wide, huge, odd);

// Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, > U+10FFFF.
const INVALID_UTF8: number[][] = [
  [0x80],
  [0xff],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc3],
];

/** How the body travels: as is (most often), with invalid UTF-8 spliced in, compressed, or compressed and cut. */
const transport = fc.record({
  invalidUtf8: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(...INVALID_UTF8) }),
  ),
  encoding: fc.oneof(
    { weight: 4, arbitrary: fc.constant('identity') },
    fc.constantFrom('gzip', 'deflate', 'gzip cut', 'deflate cut', 'gzip claimed'),
  ),
  cut: fc.double({ min: 0, max: 1, noNaN: true }),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', undefined),
});

function probeOf(text: string, label: string, how: TransportOf): Probe {
  let bytes = Buffer.from(text);
  const notes = [label];
  if (how.invalidUtf8) {
    const at = Math.floor(how.invalidUtf8.at * bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(how.invalidUtf8.bytes), bytes.subarray(at)]);
    notes.push(`invalid UTF-8 at ${at}`);
  }
  const headers: Record<string, string> = how.contentType ? { 'content-type': how.contentType } : {};
  if (how.encoding !== 'identity') {
    const gzip = how.encoding.startsWith('gzip');
    headers['content-encoding'] = gzip ? 'gzip' : 'deflate';
    if (how.encoding !== 'gzip claimed') bytes = gzip ? gzipSync(bytes) : deflateSync(bytes);
    if (how.encoding.endsWith('cut')) bytes = bytes.subarray(0, Math.floor(how.cut * bytes.length));
    notes.push(how.encoding);
  }
  return { bytes, headers, label: notes.join(', ') };
}
type TransportOf = typeof transport extends fc.Arbitrary<infer T> ? T : never;

/** The Tracking API's POST endpoints, as the server itself documents them. */
async function trackingPaths(base: string): Promise<string[]> {
  const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, { post?: { tags?: string[] } }>;
  };
  return Object.entries(spec.paths)
    .filter(([, operations]) => operations.post?.tags?.includes('Tracking'))
    .map(([path]) => path);
}

/** A webhook source (Stripe's preset, unsigned) made through the API; its inbound path. */
async function webhookSourcePath(base: string): Promise<string> {
  const api = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const source = await api('POST', '/api/v1/sources', { name: 'Payments', kind: 'webhook' });
  const webhook = await api('PUT', `/api/v1/sources/${source.id}/webhook`, { preset: 'stripe-charges' });
  return webhook.inboundPath as string;
}

/** Each engine the server can run on: SQLite, and PostgreSQL (a database of its own) when configured. */
const ENGINES = process.env.TANDEM_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(ENGINES)('every Tracking API request is answered, on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-answers-'));
  const database = `tandem_answers_${randomBytes(4).toString('hex')}`;
  const adminUrl = process.env.TANDEM_TEST_DATABASE_URL ?? '';
  let child: ChildProcess;
  let base: string;
  let paths: string[];

  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const env: Record<string, string> = {
      TANDEM_DATA_DIR: dataDir,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_INGEST_THREADS: '2',
    };
    if (engine === 'postgres') {
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      env.DATABASE_URL = url.toString();
    }
    ({ child, url: base } = await startTandem(env));
    // The webhook endpoint's documented path holds a token: probe a real webhook source's.
    const inboundPath = await webhookSourcePath(base);
    paths = (await trackingPaths(base)).map((path) => (path === '/v1/webhooks/{token}' ? inboundPath : path));
  });
  afterAll(async () => {
    agent.destroy();
    if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('finds every Tracking API endpoint in the documented routes', () => {
    expect(paths).toEqual(expect.arrayContaining(KNOWN_PATHS));
    expect(paths.some((path) => /^\/v1\/webhooks\/[^{]+$/.test(path))).toBe(true);
  });

  it('answers deeply nested bodies of 4 KB and more on every endpoint (once left hanging)', async () => {
    for (const path of paths) {
      for (const depth of [2500, 6000, 12_000]) {
        for (const open of ['[', '{'] as const) {
          const label = `${open} nested ${depth} deep in traits`;
          const probe = {
            bytes: Buffer.from(bodyFor(path, callText(`,"traits":${nested(open, depth)}`))),
            headers: {},
            label,
          };
          expectAnswered(await post(base, path, probe), `${path} ${label}`);
        }
      }
    }
  });

  it('answers deep, wide, huge, odd, invalid UTF-8 and cut gzip bodies on every endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), content, transport, async (pathIndex, make, how) => {
        const path = paths[pathIndex % paths.length] as string;
        const { text, label } = make(path);
        const probe = probeOf(text, label, how);
        expectAnswered(await post(base, path, probe), `${path} ${probe.label}`);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('still stores a plain call afterwards', async () => {
    const probe = {
      bytes: Buffer.from('{"userId":"after","event":"Still Answering"}'),
      headers: {},
      label: 'plain',
    };
    expect(await post(base, '/v1/track', probe)).toMatchObject({ status: 200 });
  });
});
