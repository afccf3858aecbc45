#!/usr/bin/env node
// Writes the upgrade fixtures of this release: a small, realistic store, made by the built
// `tandem` CLI and its HTTP API exactly as a user would (workspace, users, sources, tracked and
// identified people, companies, a merge, an import, computed traits, audiences), into
// packages/server/test/fixtures/stores/: <version>.sqlite.gz (the embedded store, gzip'd) and,
// when TANDEM_FIXTURE_POSTGRES_URL is set (a server where it may create a database),
// <version>.postgres.sql.gz (a plain pg_dump with INSERTs: loadable without psql), each beside
// <version>.<engine>.expected.json, what the API answered about it.
// packages/server/test/upgrade-fixtures.test.ts opens every fixture with the current code and
// checks it still answers the same. Run once per release:
//   npm run build && TANDEM_FIXTURE_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//     node scripts/make-upgrade-fixture.mjs [--only sqlite|postgres]
// Every time is fixed and no rule uses a window, so the answers never depend on when a test runs.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const CLI = join(root, 'packages/server/dist/cli.js');
const { version } = JSON.parse(readFileSync(join(root, 'packages/server/package.json'), 'utf8'));
const out = join(root, 'packages/server/test/fixtures/stores');
const ADMIN_TOKEN = 'tdm_upgrade_fixture_owner_token_0001';
const WRITE_KEY = 'wk_upgrade_fixture_web';
const engineRequire = createRequire(join(root, 'packages/engine/package.json'));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

mkdirSync(out, { recursive: true });
if (only !== 'postgres') await writeSqliteFixture();
if (only !== 'sqlite') {
  if (process.env.TANDEM_FIXTURE_POSTGRES_URL)
    await writePostgresFixture(process.env.TANDEM_FIXTURE_POSTGRES_URL);
  else console.log('TANDEM_FIXTURE_POSTGRES_URL is not set: no PostgreSQL fixture written.');
}

async function writeSqliteFixture() {
  const workDir = mkdtempSync(join(tmpdir(), 'tandem-fixture-'));
  try {
    const expected = await withServer({ TANDEM_DATA_DIR: workDir }, workDir);
    // One compact file: the WAL folded in, free pages dropped.
    const db = new (engineRequire('better-sqlite3'))(join(workDir, 'tandem.db'));
    db.exec('VACUUM');
    db.close();
    const gzipped = gzipSync(readFileSync(join(workDir, 'tandem.db')), { level: 9 });
    writeFixture('sqlite', gzipped, expected);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function writePostgresFixture(serverUrl) {
  const workDir = mkdtempSync(join(tmpdir(), 'tandem-fixture-'));
  const database = `tandem_fixture_${Date.now().toString(36)}`;
  const admin = new (engineRequire('pg').Client)({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  try {
    const expected = await withServer({ TANDEM_DATA_DIR: workDir, DATABASE_URL: url.toString() }, workDir);
    const dump = execFileSync(
      'pg_dump',
      ['--format=plain', '--inserts', '--no-owner', '--no-privileges', '--dbname', url.toString()],
      { maxBuffer: 256 * 1024 * 1024 },
    )
      .toString()
      .split('\n')
      // psql meta-commands (newer pg_dump writes \restrict lines): the test loads it without psql.
      .filter((line) => !line.startsWith('\\'))
      .join('\n');
    writeFixture('postgres', gzipSync(dump, { level: 9 }), expected);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function writeFixture(kind, gzipped, expected) {
  const store = join(out, `${version}.${kind === 'sqlite' ? 'sqlite.gz' : 'postgres.sql.gz'}`);
  const answers = join(out, `${version}.${kind}.expected.json`);
  writeFileSync(store, gzipped);
  writeFileSync(answers, `${JSON.stringify(expected, null, 2)}\n`);
  // Laid out as the repository's formatter wants it, so `npm run lint` stays clean.
  execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', answers], { stdio: 'ignore' });
  console.log(
    `Fixture ${version} (${kind}): ${expected.profileCount} profiles, ${expected.audiences.length} audiences, ${(gzipped.length / 1024).toFixed(0)} KB gzip'd: ${store}`,
  );
}

/** Runs `tandem start` with the given storage, fills it, and stops it gracefully. */
async function withServer(storage, workDir) {
  const env = {
    ...process.env,
    ...storage,
    TANDEM_LOG_LEVEL: 'info',
    TANDEM_ADMIN_EMAIL: 'owner@fixture.example',
    TANDEM_ADMIN_PASSWORD: 'fixture owner lantern 42',
    TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
    TANDEM_WRITE_KEY: WRITE_KEY,
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const server = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    const url = await new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) resolve(match[1]);
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      exited.then((code) => reject(new Error(`tandem exited with ${code}: ${output}`)));
    });
    return await fillStore(url, env, workDir);
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}

function clientOf(url) {
  const owner = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  async function api(method, path, body) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: owner,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  }
  async function track(writeKey, batch) {
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ batch }),
    });
    const answer = await response.json();
    if (!response.ok || answer.rejected) throw new Error(`batch refused: ${JSON.stringify(answer)}`);
  }
  return { api, track };
}

async function fillStore(url, env, workDir) {
  const { api, track } = clientOf(url);
  // Definitions first, so events flow through them as they arrive (the real-time path).
  const ordersCount = await api('POST', '/api/v1/computed-traits', {
    name: 'orders',
    kind: 'count',
    event: 'Order Completed',
  });
  await api('POST', '/api/v1/computed-traits', {
    name: 'revenue',
    kind: 'sum',
    event: 'Order Completed',
    property: 'total',
  });
  await api('POST', '/api/v1/computed-traits', {
    name: 'favourite_category',
    kind: 'most_frequent',
    event: 'Product Viewed',
    property: 'category',
  });
  const pro = await api('POST', '/api/v1/audiences', {
    name: 'Pro plan',
    rule: { trait: 'plan', op: 'eq', value: 'pro' },
  });
  const repeat = await api('POST', '/api/v1/audiences', {
    name: 'Repeat buyers',
    rule: { event: 'Order Completed', count: { op: 'gte', value: 2 } },
  });
  await api('POST', '/api/v1/audiences', {
    name: 'Big spenders on pro',
    rule: {
      all: [{ audience: pro.id }, { computedTrait: 'revenue', op: 'gte', value: 150 }],
    },
  });
  await api('POST', '/api/v1/audiences', {
    name: 'Browsed, never bought',
    rule: { all: [{ event: 'Product Viewed' }, { event: 'Order Completed', count: { op: 'eq', value: 0 } }] },
  });
  const mobile = await api('POST', '/api/v1/sources', { name: 'Mobile app' });
  await api('POST', '/api/v1/users', { email: 'marketer@fixture.example', role: 'marketer' });
  execFileSync(
    process.execPath,
    [
      CLI,
      'user',
      'create',
      '--email',
      'support@fixture.example',
      '--password',
      'support quarry 77',
      '--role',
      'support',
    ],
    { env },
  );

  // 24 people: anonymous browsing, then identify (some on the mobile source), orders, companies.
  const at = (day, minute) => new Date(Date.UTC(2026, 10, 1 + day, 9, minute)).toISOString();
  const categories = ['shoes', 'bags', 'hats'];
  const calls = [];
  const mobileCalls = [];
  for (let person = 0; person < 24; person += 1) {
    const userId = `customer-${person}`;
    const anonymousId = `anon-${person}`;
    const day = person % 20;
    for (let view = 0; view < 1 + (person % 4); view += 1) {
      calls.push({
        type: 'track',
        messageId: `fx-view-${person}-${view}`,
        anonymousId,
        event: 'Product Viewed',
        properties: { sku: `sku-${view}`, category: categories[(person + view) % 3], price: 20 + view * 5 },
        timestamp: at(day, view),
      });
    }
    calls.push({
      type: 'page',
      messageId: `fx-page-${person}`,
      anonymousId,
      name: 'Pricing',
      timestamp: at(day, 10),
    });
    (person % 3 === 0 ? mobileCalls : calls).push({
      type: 'identify',
      messageId: `fx-identify-${person}`,
      anonymousId,
      userId,
      traits: {
        email: `Person.${person}@Fixture.Example`,
        name: `Person ${person}`,
        plan: person % 2 === 0 ? 'pro' : 'free',
        seats: person + 1,
      },
      timestamp: at(day, 20),
    });
    for (let order = 0; order < person % 3; order += 1) {
      calls.push({
        type: 'track',
        messageId: `fx-order-${person}-${order}`,
        userId,
        event: 'Order Completed',
        properties: { total: 40 + person * 5 + order * 10, currency: 'EUR' },
        timestamp: at(day, 30 + order),
      });
    }
    if (person % 4 === 0) {
      calls.push({
        type: 'group',
        messageId: `fx-group-${person}`,
        userId,
        groupId: `company-${person % 8}`,
        traits: { name: `Company ${person % 8}`, industry: 'retail' },
        timestamp: at(day, 40),
      });
    }
  }
  // Two devices of one person, joined by an email they share: a merge.
  calls.push(
    {
      type: 'identify',
      messageId: 'fx-merge-a',
      anonymousId: 'tablet-1',
      traits: { email: 'merged@fixture.example', plan: 'pro' },
      timestamp: at(21, 0),
    },
    {
      type: 'identify',
      messageId: 'fx-merge-b',
      userId: 'customer-merged',
      traits: { email: 'merged@fixture.example', name: 'Merged Person' },
      timestamp: at(21, 5),
    },
    {
      type: 'track',
      messageId: 'fx-merge-order',
      anonymousId: 'tablet-1',
      event: 'Order Completed',
      properties: { total: 300 },
      timestamp: at(21, 6),
    },
  );
  await track(WRITE_KEY, calls);
  await track(mobile.writeKey, mobileCalls);

  // Point-of-sale orders, imported from a file (the imports table keeps the job).
  const csv = join(workDir, 'pos-orders.csv');
  writeFileSync(
    csv,
    'customer,total,date\ncustomer-1,60,2026-11-25\ncustomer-5,95,2026-11-26\ncustomer-100,15,2026-11-27\n',
  );
  execFileSync(
    process.execPath,
    [
      CLI,
      'import',
      csv,
      '--source',
      WRITE_KEY,
      '--map',
      'userId=customer,properties.total=total,timestamp=date',
      '--event',
      'Order Completed',
    ],
    { env, stdio: ['ignore', 'ignore', 'ignore'] },
  );

  // Waits until the pipeline (unify, then computed traits and audiences) has processed everything.
  for (let attempt = 0; ; attempt += 1) {
    const { stages } = await api('GET', '/api/v1/pipeline');
    if (stages.every((stage) => stage.lagEvents === 0)) break;
    if (attempt > 300) throw new Error(`pipeline still behind: ${JSON.stringify(stages)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // What the API answers now: the upgrade test expects the same from every later release.
  const people = [
    'customer-0',
    'customer-1',
    'customer-4',
    'customer-5',
    'customer-9',
    'customer-100',
    'customer-merged',
  ];
  const profiles = [];
  for (const userId of people) {
    const profile = await api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`);
    const events = await api('GET', `/api/v1/profiles/${profile.id}/events?limit=1000`);
    profiles.push({
      userId,
      id: profile.id,
      traits: profile.traits,
      computedTraits: profile.computedTraits,
      audiences: profile.audiences.map((audience) => audience.name).sort(),
      companies: profile.companies.map((company) => company.name).sort(),
      eventMessageIds: events.data.map((event) => event.messageId).sort(),
    });
  }
  const audiences = [];
  for (const audience of (await api('GET', '/api/v1/audiences?limit=1000')).data) {
    const members = await api('GET', `/api/v1/audiences/${audience.id}/members?limit=1000`);
    audiences.push({
      id: audience.id,
      name: audience.name,
      members: members.data.map((m) => m.profileId).sort(),
    });
  }
  const sources = [];
  for (const source of (await api('GET', '/api/v1/sources?limit=1000')).data) {
    const stats = await api('GET', `/api/v1/sources/${source.id}/stats`);
    sources.push({ id: source.id, name: source.name, events: stats.events });
  }
  const imports = (await api('GET', '/api/v1/imports?limit=1000')).data.map((job) => ({
    id: job.id,
    fileName: job.fileName,
    status: job.status,
    rowsRead: job.rowsRead,
    rowsStored: job.rowsStored,
  }));
  const members = (await api('GET', '/api/v1/members?limit=1000')).data
    .map((member) => ({ email: member.email, role: member.role }))
    .sort((a, b) => a.email.localeCompare(b.email));
  let profileCount = 0;
  for (let cursor = ''; ; ) {
    const page = await api('GET', `/api/v1/profiles?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    profileCount += page.data.length;
    if (!page.nextCursor) break;
    cursor = encodeURIComponent(page.nextCursor);
  }
  const expected = {
    version,
    adminToken: ADMIN_TOKEN,
    writeKey: WRITE_KEY,
    computedTraitId: ordersCount.id,
    repeatBuyersId: repeat.id,
    profileCount,
    profiles,
    audiences,
    sources,
    imports,
    members,
  };
  return expected;
}
