#!/usr/bin/env node
// Writes the upgrade fixtures of this release: a small, realistic store, made by the built
// `tandem` CLI and its HTTP API exactly as a user would (workspace, users, sources, tracked and
// identified people, companies, a merge, an import, computed traits, audiences; since 0.2.0 also
// the CRM, the service desk, consent, a webhook destination, email, a journey, lead scoring,
// predictions and saved insights), into
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
import { createServer } from 'node:http';
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
// Seals the store's secrets (the webhook's signing secret): kept with the store, as an operator
// keeps TANDEM_SECRET_KEY (or the data folder's secret.key) with their backups.
const SECRET_KEY = '80593214373822ce20208ce2ab7f2cacae0b5a22e4f0509c98e181998d3f4339';
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
    TANDEM_SECRET_KEY: SECRET_KEY,
    // The webhook destination posts to a receiver of this script, on 127.0.0.1.
    TANDEM_ALLOW_PRIVATE_DESTINATIONS: 'true',
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
  const receiver = await startReceiver();
  try {
    return await fillStoreWith(clientOf(url), { env, workDir, receiverUrl: receiver.url });
  } finally {
    await receiver.close();
  }
}

async function fillStoreWith({ api, track }, { env, workDir, receiverUrl }) {
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
  const later = await defineLaterDomains(api, receiverUrl);
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
      // A consent banner's answer, before they identify (it follows them to their profile).
      ...(person % 5 === 0
        ? { context: { consent: { categoryPreferences: { analytics: true, marketing: person % 2 === 0 } } } }
        : {}),
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
    if (person % 4 === 1) {
      // Starts the published journey.
      calls.push({
        type: 'track',
        messageId: `fx-newsletter-${person}`,
        userId,
        event: 'Newsletter Signup',
        properties: { list: 'weekly' },
        timestamp: at(day, 45),
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

  await pipelineIdle(api);
  // Records of the CRM and the service desk are about the people the events made.
  const laterRecords = await fillLaterDomains(api);
  await pipelineIdle(api);

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
    secretKey: SECRET_KEY,
    computedTraitId: ordersCount.id,
    repeatBuyersId: repeat.id,
    profileCount,
    profiles,
    audiences,
    sources,
    imports,
    members,
    reads: await readLaterDomains(api, { ...later, ...laterRecords }),
    insights: await answersOfSavedInsights(api, [laterRecords.insightId]),
    // What the test sends after the upgrade, and what must follow: the journey still starts and
    // runs, and lead scoring still scores (its order adds the "Each order" rule's points).
    probes: {
      journey: { userId: 'customer-0', event: 'Newsletter Signup', trait: 'newsletter', value: 'weekly' },
      orderLeadScorePoints: 15,
    },
  };
  return expected;
}

/** What each saved insight's query answered (over fixed dates: the answer never changes). */
async function answersOfSavedInsights(api, ids) {
  const answers = [];
  for (const id of ids) {
    const { query } = await api('GET', `/api/v1/saved-insights/${id}`);
    answers.push({ id, answer: await api('POST', '/api/v1/insights/query', query) });
  }
  return answers;
}

/** Waits until the pipeline (unify, computed traits, audiences and the later stages) has processed everything. */
async function pipelineIdle(api) {
  for (let attempt = 0; ; attempt += 1) {
    const { stages } = await api('GET', '/api/v1/pipeline');
    if (stages.every((stage) => stage.lagEvents === 0)) return;
    if (attempt > 300) throw new Error(`pipeline still behind: ${JSON.stringify(stages)}`);
    await sleep(100);
  }
}

/** Polls `read` until `done` holds for its answer (background work: deliveries, a rescore, a refresh). */
async function waitFor(what, read, done) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await read();
    if (done(answer)) return answer;
    if (attempt > 300) throw new Error(`still waiting for ${what}: ${JSON.stringify(answer)}`);
    await sleep(100);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A webhook receiver on 127.0.0.1 that accepts every delivery, so each one ends delivered. */
async function startReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The domains added since 0.1.0 ("later"), part one: what must exist before the events arrive
 * (they flow through it in real time): a consent purpose, a webhook destination, an email
 * template and the journey that sends it, lead scoring rules and the predictions' settings.
 */
async function defineLaterDomains(api, receiverUrl) {
  await api('POST', '/api/v1/consent/purposes', {
    key: 'research',
    label: 'Product research',
    description: 'Interviews and surveys about the product.',
    defaultMode: 'opt-in',
    aliases: ['surveys'],
  });
  const webhook = await api('POST', '/api/v1/destinations', {
    name: 'Large orders',
    type: 'webhook',
    config: {
      url: `${receiverUrl}/orders`,
      secret: 'fixture-webhook-signing-secret',
      headers: { 'x-fixture': 'upgrade' },
    },
    subscriptions: [
      {
        kind: 'event',
        filter: {
          type: 'track',
          event: 'Order Completed',
          where: [{ property: 'total', op: 'gte', value: 100 }],
        },
      },
    ],
  });
  const welcome = await api('POST', '/api/v1/email/templates', {
    name: 'Newsletter welcome',
    subject: 'Welcome to the weekly letter, {{ traits.name }}',
    mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ traits.name }}, see you every Monday.</mj-text></mj-column></mj-section></mj-body></mjml>',
    category: 'transactional',
    fromName: 'Fixture Shop',
    fromAddress: 'shop@fixture.example',
  });
  const journey = await api('POST', '/api/v1/journeys', {
    name: 'Newsletter welcome',
    entry: { kind: 'event', event: 'Newsletter Signup' },
    steps: [
      { id: 'mark', kind: 'update_trait', trait: 'newsletter', value: 'weekly', next: 'welcome' },
      { id: 'welcome', kind: 'send_email', templateId: welcome.id, next: null },
    ],
    settings: { reEntry: 'never' },
  });
  await api('POST', `/api/v1/journeys/${journey.id}/publish`, {});
  // No rule decays or has a window: scores never depend on when they are read.
  await api('PUT', '/api/v1/lead-scoring', {
    rules: [
      { name: 'Pro plan', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 20 },
      { name: 'Large team', group: 'fit', condition: { trait: 'seats', op: 'gte', value: 10 }, points: 10 },
      {
        name: 'Each order',
        group: 'engagement',
        condition: { event: 'Order Completed' },
        points: 15,
        perEvent: true,
      },
      {
        name: 'Repeat buyer',
        group: 'engagement',
        condition: { computedTrait: 'orders', op: 'gte', value: 2 },
        points: 5,
      },
    ],
    groupCaps: { engagement: 40 },
    cap: 100,
  });
  await api('PUT', '/api/v1/predictions/settings', {
    enabled: true,
    orderEvent: 'Order Completed',
    valueProperty: 'total',
    timeUnit: 'day',
    refreshHours: 24,
  });
  return { webhookId: webhook.id, templateId: welcome.id, journeyId: journey.id };
}

/**
 * The later domains, part two: the CRM (a pipeline, a company, deals, a person made by hand,
 * notes, tasks, a custom field, a team, a static list, a saved view), the service desk (tickets
 * with replies, a note, an attachment, a linked deal; a canned reply), consent recorded by hand,
 * an email topic, a saved insight on a dashboard, and a predictions refresh. Times of things
 * people did are fixed.
 */
async function fillLaterDomains(api) {
  const profileOf = async (userId) =>
    (await api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).id;
  const [ann, ben, dan] = [
    await profileOf('customer-0'),
    await profileOf('customer-1'),
    await profileOf('customer-4'),
  ];

  const agent = (await api('GET', '/api/v1/members?limit=1000')).data.find(
    (member) => member.email === 'support@fixture.example',
  );
  const shoeSize = await api('POST', '/api/v1/custom-fields', {
    entity: 'person',
    key: 'shoe_size',
    label: 'Shoe size',
    type: 'number',
  });
  const desk = await api('POST', '/api/v1/teams', { name: 'Support', members: [{ userId: agent.id }] });
  const sales = await api('POST', '/api/v1/pipelines', {
    name: 'New business',
    stages: [
      { name: 'Qualified', probability: 20 },
      { name: 'Proposal', probability: 50 },
      { name: 'Negotiation', probability: 80 },
    ],
  });
  const acme = await api('POST', '/api/v1/companies', {
    name: 'Acme Retail',
    domain: 'acme-retail.example',
    traits: { employees: 120 },
  });
  await api('POST', `/api/v1/companies/${acme.id}/people`, { profileId: ben });
  const lena = await api('POST', '/api/v1/people', {
    email: 'lena@acme-retail.example',
    name: 'Lena Buyer',
    lifecycleStage: 'lead',
    leadStatus: 'new',
    tags: ['trade-show'],
  });
  await api('PATCH', `/api/v1/people/${ann}`, {
    lifecycleStage: 'customer',
    leadStatus: 'qualified',
    tags: ['vip'],
    fields: { [shoeSize.key]: 42 },
  });
  const fair = await api('POST', '/api/v1/lists', { name: 'Autumn fair', description: 'Met at our stand' });
  await api('POST', `/api/v1/lists/${fair.id}/members`, { profileIds: [ben, lena.profileId] });
  const customers = await api('POST', '/api/v1/views', {
    name: 'Customers',
    entity: 'people',
    filters: [{ field: 'lifecycleStage', operator: 'equals', value: 'customer' }],
    sort: [{ field: 'name', direction: 'asc' }],
    shared: true,
  });
  const rollout = await api('POST', '/api/v1/deals', {
    name: 'Acme rollout',
    amount: 12000,
    currency: 'EUR',
    pipelineId: sales.id,
    companyId: acme.id,
    people: [
      { profileId: ben, role: 'champion' },
      { profileId: lena.profileId, role: 'decision_maker' },
    ],
    closeDate: '2027-01-31',
  });
  await api('PATCH', `/api/v1/deals/${rollout.id}`, { stageId: sales.stages[1].id });
  const renewal = await api('POST', '/api/v1/deals', {
    name: 'Yearly renewal',
    amount: 4000,
    currency: 'EUR',
    pipelineId: sales.id,
    profileIds: [ann],
    closeDate: '2026-11-30',
  });
  await api('PATCH', `/api/v1/deals/${renewal.id}`, { status: 'won' });
  const lost = await api('POST', '/api/v1/deals', {
    name: 'Pilot',
    amount: 900,
    currency: 'EUR',
    pipelineId: sales.id,
    profileIds: [dan],
  });
  await api('PATCH', `/api/v1/deals/${lost.id}`, { status: 'lost', lostReason: 'Chose a competitor' });
  const note = await api('POST', '/api/v1/activities', {
    kind: 'note',
    profileId: ben,
    body: 'Asked for a volume discount.',
    occurredAt: '2026-11-20T10:00:00.000Z',
  });
  const call = await api('POST', '/api/v1/activities', {
    kind: 'call',
    dealId: rollout.id,
    body: 'Walked Lena through the proposal.',
    occurredAt: '2026-11-24T15:30:00.000Z',
  });
  // Due in the past: overdue whenever the test reads it.
  const followUp = await api('POST', '/api/v1/tasks', {
    title: 'Send the revised proposal',
    dueAt: '2026-11-28T09:00:00.000Z',
    priority: 'high',
    profileId: ben,
    dealId: rollout.id,
  });
  const callBack = await api('POST', '/api/v1/tasks', {
    title: 'Call back about the renewal',
    dueAt: '2026-11-26T09:00:00.000Z',
    profileId: ann,
  });
  await api('PATCH', `/api/v1/tasks/${callBack.id}`, { status: 'done' });

  const damaged = await api('POST', '/api/v1/tickets', {
    subject: 'Parcel arrived damaged',
    profileId: dan,
    priority: 'high',
    teamId: desk.id,
    body: 'The box was crushed and one shoe is scuffed.',
    tags: ['shipping'],
    attachments: [
      {
        filename: 'photo-notes.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('left shoe, toe scuffed').toString('base64'),
      },
    ],
  });
  await api('POST', `/api/v1/tickets/${damaged.id}/replies`, {
    body: 'Sorry about that! A replacement pair is on its way.',
    public: true,
    status: 'pending',
  });
  await api('POST', `/api/v1/tickets/${damaged.id}/replies`, {
    body: 'Replacement shipped from the Lyon warehouse.',
    public: false,
  });
  await api('PUT', `/api/v1/tickets/${damaged.id}/deals`, { dealIds: [lost.id] });
  await api('POST', '/api/v1/canned-replies', {
    name: 'Replacement sent',
    body: 'Hello {{ person.first_name }}, a replacement is on its way (ticket {{ ticket.number }}).',
  });
  const invoice = await api('POST', '/api/v1/tickets', {
    subject: 'Invoice address',
    email: 'bea@fixture.example',
    name: 'Bea Accounts',
    body: 'Please put our new address on the November invoice.',
  });
  await api('PATCH', `/api/v1/tickets/${invoice.id}`, { status: 'solved' });

  await api('PUT', `/api/v1/profiles/${ann}/consent`, {
    purposes: { marketing: false, research: true },
    source: 'api',
    decidedAt: '2026-11-25T12:00:00.000Z',
    note: 'Asked on the phone',
  });

  const weekly = await api('POST', '/api/v1/email/topics', {
    name: 'Weekly letter',
    description: 'News and offers, every Monday.',
    defaultSubscribed: true,
  });

  const funnel = await api('POST', '/api/v1/saved-insights', {
    name: 'Browse to buy',
    description: 'People who viewed a product, then ordered within a week.',
    query: {
      kind: 'funnel',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
      within: '7d',
    },
    chart: 'funnel',
    range: 'custom',
  });
  const dashboard = await api('POST', '/api/v1/dashboards', {
    name: 'Shop',
    description: 'The weekly review',
  });
  await api('POST', `/api/v1/dashboards/${dashboard.id}/tiles`, { insightId: funnel.id, width: 2 });

  // Background work the reads below must see finished.
  await api('POST', '/api/v1/predictions/refresh', {});
  await waitFor(
    'the predictions refresh',
    () => api('GET', '/api/v1/predictions'),
    (overview) => overview.lastRun?.status === 'done',
  );
  await waitFor(
    'the lead scoring rescore',
    () => api('GET', '/api/v1/lead-scoring'),
    (scoring) => !scoring.rescore.running,
  );
  return {
    people: [ann, ben, dan, lena.profileId],
    pipelineId: sales.id,
    companyId: acme.id,
    dealIds: [rollout.id, renewal.id, lost.id],
    activityIds: [note.id, call.id],
    taskIds: [followUp.id, callBack.id],
    teamId: desk.id,
    listId: fair.id,
    viewId: customers.id,
    topicId: weekly.id,
    ticketIds: [damaged.id, invoice.id],
    insightId: funnel.id,
    dashboardId: dashboard.id,
  };
}

/**
 * The API's answers about the later domains, by domain: each a URL and what it answered (the
 * upgrade test reads every URL again and expects at least the same). Left out: what is computed
 * at read time from the clock, and score histories (their order among equal times is not fixed).
 */
async function readLaterDomains(api, later) {
  const { webhookId } = later;
  await waitFor(
    'the webhook deliveries',
    () => api('GET', `/api/v1/destinations/${webhookId}`),
    ({ deliveries }) => deliveries.delivered > 0 && deliveries.pending + deliveries.failed === 0,
  );
  const reads = {};
  const read = async (domain, url, without = []) => {
    const answer = await api('GET', url);
    for (const key of without) delete answer[key];
    reads[domain] = [...(reads[domain] ?? []), { url, answer }];
  };
  await read('crm', `/api/v1/pipelines/${later.pipelineId}`);
  await read('crm', `/api/v1/companies/${later.companyId}`);
  for (const id of later.dealIds) await read('crm', `/api/v1/deals/${id}`);
  for (const id of later.people) await read('crm', `/api/v1/people/${id}`);
  for (const id of later.activityIds) await read('crm', `/api/v1/activities/${id}`);
  for (const id of later.taskIds) await read('crm', `/api/v1/tasks/${id}`);
  await read('crm', '/api/v1/custom-fields');
  await read('crm', `/api/v1/teams/${later.teamId}`);
  await read('crm', `/api/v1/lists/${later.listId}`);
  await read('crm', `/api/v1/lists/${later.listId}/members`);
  await read('crm', `/api/v1/views/${later.viewId}`);
  for (const id of later.ticketIds) await read('service desk', `/api/v1/tickets/${id}`);
  await read('service desk', '/api/v1/canned-replies');
  await read('consent', '/api/v1/consent/purposes');
  // Ann decided by banner (events) and on the phone (the API); the others have only defaults.
  const [ann, ben] = later.people;
  await read('consent', `/api/v1/profiles/${ann}/consent`);
  await read('destinations', `/api/v1/destinations/${webhookId}`);
  const deliveries = await api('GET', `/api/v1/destinations/${webhookId}/deliveries?limit=1000`);
  // Two of them in full (what was sent): the destination's counts stand for the rest.
  const sample = deliveries.data.map((delivery) => delivery.id).sort();
  for (const id of sample.slice(0, 2))
    await read('destinations', `/api/v1/destinations/${webhookId}/deliveries/${id}`);
  await read('email and journeys', `/api/v1/email/templates/${later.templateId}`);
  await read('email and journeys', `/api/v1/email/topics/${later.topicId}`);
  await read('email and journeys', `/api/v1/journeys/${later.journeyId}`);
  await read('email and journeys', `/api/v1/journeys/${later.journeyId}/versions`);
  await read('email and journeys', `/api/v1/journeys/${later.journeyId}/report`);
  await read('email and journeys', `/api/v1/profiles/${ben}/journeys`);
  await read('lead scoring and predictions', '/api/v1/lead-scoring', ['rescore']);
  for (const id of later.people)
    await read('lead scoring and predictions', `/api/v1/lead-scoring/scores/${id}`, ['history']);
  await read('lead scoring and predictions', '/api/v1/predictions');
  for (const id of later.people)
    await read('lead scoring and predictions', `/api/v1/predictions/people/${id}`);
  await read('saved insights', `/api/v1/saved-insights/${later.insightId}`);
  await read('saved insights', `/api/v1/dashboards/${later.dashboardId}`);
  return reads;
}
