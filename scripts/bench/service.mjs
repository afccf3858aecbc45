// `npm run bench:service`: the service desk at scale on embedded SQLite, through the real server.
// Setup (not measured): BENCH_REQUESTERS people identified through the collector (real profiles);
// BENCH_TICKETS tickets (default 1,000,000, BENCH_OPEN = 100,000 of them open) bulk-written
// straight into the desk's tables as the tickets service leaves them: the row (number, subject,
// status, priority, requester profile and email, assignee among 20 agents — the owner one of
// them — or none, one of 5 teams or none, tags JSON + ticket_tags, first response / solved
// times), the requester's first message, an agent's reply when answered, the status history,
// the ticket counter. Solved / closed tickets span 2 years, open ones the last 25 days, new ones
// the last 45 minutes. An SLA policy (24/7; first response 60 min, resolution 30 days, at risk
// at 20 % left) and every open ticket's clock, tracked by SlaService.track as tickets/ does;
// BENCH_DUE new tickets are re-timed so that their first response falls due BENCH_DUE_LEAD_S
// (90) to +60 s after they are tracked, during the run.
// Then `tandem start` (TANDEM_SMTP_LISTEN on a free port; a mailbox created through the API)
// and one client measures:
//  (a) the inbox views' first page (50 rows) over HTTP, one request at a time: Open (new, open),
//      Mine, Unassigned, a team's, SLA at risk — p50 / p99, target p99 < 50 ms;
//  (b) email received → ticket visible: nodemailer sends BENCH_RATE messages/s (50) for
//      BENCH_SECONDS (30) to the listener over BENCH_CONNECTIONS (8) pooled connections, paced by
//      the clock; a poller reads the inbox's newest 50 every BENCH_POLL_MS (100) until each shows.
//      Latency from the send (the client hands the message to SMTP) to visible, target p99 < 1 s.
//      The listener answers 250 once the ticket is written, so "250 → visible" is the poll's delay
//      as this client sees it (its period plus this process's own event-loop delays, since the
//      client sends 50 messages/s too): it inflates the figure, never hides time;
//  (c) SLA breach → `SLA Breached` event (the server's sweeper, every 5 s): for each re-timed
//      ticket, its event's received_at − its due time, target < 60 s with all open clocks.
// Prints the figures beside their targets, the HTTP floor (GET /healthz) and the machine load.
// Settings: BENCH_TICKETS, BENCH_OPEN, BENCH_REQUESTERS (5000), BENCH_DUE (300), BENCH_RATE,
// BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_VIEW_REQUESTS (200 per view), BENCH_POLL_MS,
// BENCH_DUE_LEAD_S, BENCH_SERVER_NODE_ARGS
// (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_KEEP_DATA=1 keeps the store. Not a test.
//
// Figures, 2026-12-03, the shared 2-core dev VM (other helpers' builds and tests running), Node 20:
// setup 1M tickets written in 54–108 s, 100k clocks tracked in 7–21 s. Final run (load 3.4–5.1;
// /healthz p50 1.0 / p99 17.0 ms): inbox views p50 / p99 — Open 3.7 / 15.3 ms, Mine 4.3 / 42.4,
// Unassigned 3.5 / 31.1, Team 4.3 / 31.7, SLA at risk 2.7 / 36.0 (target < 50 ms: met);
// email → visible 1,500 messages at 50.0/s, all seen, p50 164 / p99 533 / max 659 ms (< 1 s: met);
// SLA breach → event, 300 due among 100k open clocks, p50 2.54 / p99 4.96 / max 5.01 s (< 60 s:
// met; bounded by the sweeper's 5 s interval). Earlier runs at load 6–10 (before the bench waited
// for the pipeline to take in setup's events) missed at p99, by the machine: Open view p99 115 ms (p50 4.7), SLA at risk p99 102 ms with 50 samples, email p50 1.0 s
// / p99 3.1 s at load 9.6. A CPU profile of the server (BENCH_SERVER_NODE_ARGS="--cpu-prof ...")
// over the 1M run shows the main thread idle 88 % of the time; no tickets/ or email/ function
// stands out (SQLite statements 5.3 s, the pipeline's wake postMessage 1.4 s, write-turn release
// 1.0 s of 168 s): the misses are waits for CPU on an overloaded machine, not a product hot spot.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import {
  ensureBuilt,
  fmt,
  freePort,
  printTable,
  root,
  scrapeMetrics,
  startServer,
} from './bench-support.mjs';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const REQUESTERS = Number(process.env.BENCH_REQUESTERS ?? 5000);
const DUE = Number(process.env.BENCH_DUE ?? 300);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const VIEW_REQUESTS = Number(process.env.BENCH_VIEW_REQUESTS ?? 200);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const POLL_ROWS = 50;
const DUE_LEAD_S = Number(process.env.BENCH_DUE_LEAD_S ?? 90);
const TOKEN = 'tdm_bench_service_owner_token_012345';
const OWNER_EMAIL = 'bench@example.com';
const MAILBOX = 'support@desk-bench.example';
const TARGETS = { viewMs: 50, mailMs: 1000, slaS: 60 };
const MINUTE = 60_000;
const DAY = 86_400_000;
const WORKING = 'new,open,pending,on_hold';

await ensureBuilt();
const { Engine, bootstrapIfEmpty } = await import(`${root}packages/engine/dist/index.js`);
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-service-bench-'));
console.log(
  `Tandem service desk benchmark — ${fmt(TICKETS)} tickets (${fmt(OPEN)} open), ${fmt(REQUESTERS)} requesters, Node ${process.version}, data in ${dataDir}`,
);
const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

let server;
let mailer;
try {
  // ---- Setup: people, tickets, clocks (not measured) ----
  const engine = await Engine.open({ dataDir });
  // SQLite's write waits are Atomics.waitAsync, which keeps no event loop alive (see sla.mjs).
  const keepAlive = setInterval(() => {}, 1000);
  await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: OWNER_EMAIL,
    adminPassword: 'bench password 1',
    adminToken: TOKEN,
  });
  const { workspace_id: workspaceId } = await engine.store.db
    .selectFrom('workspaces')
    .select('workspace_id')
    .executeTakeFirstOrThrow();
  const { user_id: ownerId } = await engine.store.db
    .selectFrom('users')
    .select('user_id')
    .where('email', '=', OWNER_EMAIL)
    .executeTakeFirstOrThrow();
  let started = performance.now();
  const source = await engine.sources.create(workspaceId, { name: 'bench web' });
  for (let i = 0; i < REQUESTERS; i += 500) {
    const calls = [];
    for (let j = i; j < Math.min(REQUESTERS, i + 500); j++)
      calls.push({ type: 'identify', userId: `req-${j}`, traits: { email: `req-${j}@example.com` } });
    await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
  }
  await engine.pipeline.catchUp(600_000);
  const requesters = [];
  for (let j = 0; j < REQUESTERS; j++) {
    const profile = await engine.profiles.lookup(workspaceId, 'user_id', `req-${j}`);
    requesters.push({ profileId: profile.id, email: `req-${j}@example.com` });
  }
  console.log(
    `${fmt(REQUESTERS)} requesters identified in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );
  const teams = [];
  for (const name of ['Billing', 'Technical', 'Accounts', 'Shipping', 'Returns'])
    teams.push((await engine.teams.create(workspaceId, { name }, null)).id);
  const agents = [ownerId, ...Array.from({ length: 19 }, (_, k) => `usr_benchagent${k}`)];

  const now = Date.now();
  started = performance.now();
  const { openTickets, dueTickets } = writeTickets(engine.store.sqlite, {
    workspaceId,
    requesters,
    teams,
    agents,
    now,
  });
  console.log(
    `${fmt(TICKETS)} tickets written in ${fmt((performance.now() - started) / 1000, 1)} s (bulk, not part of the figures)`,
  );
  started = performance.now();
  engine.store.sqlite.exec('ANALYZE');
  console.log(`ANALYZE in ${fmt((performance.now() - started) / 1000, 1)} s`);

  const targets = { firstResponse: 60, nextResponse: 240, resolution: 30 * 24 * 60 };
  await engine.slaSettings.createPolicy(workspaceId, {
    name: 'Bench 24/7',
    enabled: true,
    conditions: [],
    hours: 'calendar',
    calendarId: null,
    targets: { low: targets, normal: targets, high: targets, urgent: targets },
    atRiskPercent: 20,
  });
  // The clocks, as tickets/ tracks them after each change; the re-timed ones last, so that their
  // due times (90–150 s after now) are still ahead once every clock is tracked.
  started = performance.now();
  for (let i = 0; i < openTickets.length; i += 1000) {
    const chunk = openTickets.slice(i, i + 1000);
    await engine.store.db.transaction().execute(async (trx) => {
      for (const t of chunk) await engine.sla.track(timelineOf(workspaceId, t), trx);
    });
  }
  const dueAt = new Map();
  retime(engine.store.sqlite, workspaceId, dueTickets, dueAt);
  await engine.store.db.transaction().execute(async (trx) => {
    for (const t of dueTickets) await engine.sla.track(timelineOf(workspaceId, t), trx);
  });
  const trackS = (performance.now() - started) / 1000;
  console.log(
    `${fmt(openTickets.length + dueTickets.length)} open tickets' clocks tracked in ${fmt(trackS, 1)} s; ${fmt(DUE)} first responses fall due in ${DUE_LEAD_S}–${DUE_LEAD_S + 60} s`,
  );
  engine.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  clearInterval(keepAlive);
  await engine.close();

  // ---- The real server ----
  const smtpPort = await freePort();
  started = performance.now();
  server = await startServer({ TANDEM_DATA_DIR: dataDir, TANDEM_SMTP_LISTEN: `127.0.0.1:${smtpPort}` });
  console.log(`server ready in ${fmt((performance.now() - started) / 1000, 1)} s`);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const t0 = performance.now();
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return { ms: performance.now() - t0, body: json };
  };
  await call('POST', '/api/v1/mailboxes', { address: MAILBOX });
  const channel = (await call('GET', '/api/v1/mailboxes')).body.channel;
  if (!channel.listening) throw new Error(`the SMTP listener is not up: ${JSON.stringify(channel)}`);

  // The events setup left (SLA notices, people) are the pipeline's to take in first: the figures
  // are the steady state's, not the catch-up's.
  started = performance.now();
  const lagOf = async () =>
    [...(await scrapeMetrics(server.url)).matchAll(/^tandem_pipeline_lag_events\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  let lag = await lagOf();
  while (lag > 0 && performance.now() - started < 120_000) {
    await sleep(500);
    lag = await lagOf();
  }
  console.log(
    `pipeline caught up in ${fmt((performance.now() - started) / 1000, 1)} s (lag ${fmt(lag)} events)`,
  );

  const measure = async (count, pathOf) => {
    for (let i = 0; i < Math.min(5, count); i++) await call('GET', pathOf(i)); // warm-up
    const times = [];
    let rows = 0;
    for (let i = 0; i < count; i++) {
      const { ms, body } = await call('GET', pathOf(i));
      times.push(ms);
      rows = body.data?.length ?? 0;
    }
    return { p50: p(times, 0.5), p99: p(times, 0.99), rows };
  };
  // (a) the inbox views, first page
  const floor = await measure(VIEW_REQUESTS, () => '/healthz');
  const views = [
    ['Open (new, open)', () => '/api/v1/tickets?status=new,open&limit=50'],
    ['Mine', () => `/api/v1/tickets?view=mine&status=${WORKING}&limit=50`],
    ['Unassigned', () => `/api/v1/tickets?view=unassigned&status=${WORKING}&limit=50`],
    ['Team', (i) => `/api/v1/tickets?teamId=${teams[i % teams.length]}&status=${WORKING}&limit=50`],
    ['SLA at risk', () => '/api/v1/tickets?view=sla_at_risk&limit=50'],
  ];
  const viewResults = [];
  for (const [name, pathOf] of views) viewResults.push([name, await measure(VIEW_REQUESTS, pathOf)]);
  const loadAfterViews = load();

  // (b) email received → ticket visible
  mailer = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const total = RATE * SECONDS;
  const sentAt = new Map();
  const acceptedAt = new Map();
  const visibleAt = new Map();
  let failed = 0;
  let sending = true;
  let lastSend = performance.now();
  const poller = (async () => {
    const polls = [];
    while (sending || visibleAt.size + failed < sentAt.size) {
      // Every POLL_MS, as a busy agent's inbox would (the web UI polls every 5 s): a poller that
      // never paused would itself keep the server busy and slow the intake it measures.
      const { ms, body } = await call('GET', `/api/v1/tickets?limit=${POLL_ROWS}`);
      polls.push(ms);
      if (ms < POLL_MS) await sleep(POLL_MS - ms);
      const at = performance.now();
      for (const ticket of body.data) {
        const key = /^Bench mail (\d+)$/.exec(ticket.subject)?.[1];
        if (key !== undefined && !visibleAt.has(key)) visibleAt.set(key, at);
      }
      if (!sending && performance.now() - lastSend > 30_000) break; // give up on stragglers
    }
    return polls;
  })();
  const sends = [];
  const mailStart = performance.now();
  for (let n = 0; n < total; n++) {
    const due = mailStart + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const key = String(n);
    sentAt.set(key, performance.now());
    lastSend = performance.now();
    const requester = requesters[(n * 7) % requesters.length];
    sends.push(
      mailer
        .sendMail({
          from: n % 3 === 0 ? `new-customer-${n}@mail-bench.example` : requester.email,
          to: MAILBOX,
          subject: `Bench mail ${n}`,
          text: `Hello, this is message ${n}. My order has not arrived yet; could you look into it?`,
        })
        .then(
          () => acceptedAt.set(key, performance.now()),
          (error) => {
            failed++;
            if (failed <= 3) console.error(`send ${n} failed: ${error.message}`);
          },
        ),
    );
  }
  const sendSeconds = (performance.now() - mailStart) / 1000;
  await Promise.all(sends);
  sending = false;
  const polls = await poller;
  const fromSend = [];
  const fromAccepted = [];
  for (const [key, at] of visibleAt) {
    fromSend.push(at - sentAt.get(key));
    if (acceptedAt.has(key)) fromAccepted.push(at - acceptedAt.get(key));
  }
  const loadAfterMail = load();

  // (c) SLA: wait until the last re-timed due time is 20 s past (sweeps every 5 s), then read
  // the events the server appended.
  const lastDue = Math.max(...dueAt.values());
  if (Date.now() < lastDue + 20_000) await sleep(lastDue + 20_000 - Date.now());
  await server.stop();
  server = undefined;
  const sqlite = new Database(join(dataDir, 'tandem.db'), { readonly: true });
  const delays = [];
  for (const row of sqlite
    .prepare(`SELECT payload, received_at FROM events WHERE workspace_id = ? AND event = 'SLA Breached'`)
    .iterate(workspaceId)) {
    const payload = JSON.parse(row.payload);
    const due = dueAt.get(payload.properties?.ticketId);
    if (due !== undefined && payload.properties?.metric === 'first_response')
      delays.push((Date.parse(row.received_at) - due) / 1000);
  }
  const atRiskEvents = sqlite
    .prepare(`SELECT count(*) AS n FROM events WHERE workspace_id = ? AND event = 'SLA At Risk'`)
    .get(workspaceId).n;
  sqlite.close();

  const verdict = (value, target) => (value < target ? 'met' : 'MISSED');
  printTable(
    `Inbox views, first page of 50 (client-side latency, one request at a time, ${fmt(VIEW_REQUESTS)} each)`,
    [
      ['', 'p50', 'p99', 'target (p99)', '', 'rows'],
      ...viewResults.map(([name, r]) => [
        name,
        `${fmt(r.p50, 1)} ms`,
        `${fmt(r.p99, 1)} ms`,
        `< ${TARGETS.viewMs} ms`,
        verdict(r.p99, TARGETS.viewMs),
        fmt(r.rows),
      ]),
      ['HTTP floor: GET /healthz', `${fmt(floor.p50, 1)} ms`, `${fmt(floor.p99, 1)} ms`, '', '', ''],
      ['machine load (1 min)', fmt(loadAfterViews, 1), '', '', '', ''],
    ],
  );
  printTable(
    `Email received → ticket visible (${fmt(total)} messages at ${fmt(total / sendSeconds, 1)}/s over SMTP, ${fmt(failed)} failed, ${fmt(visibleAt.size)} seen)`,
    [
      ['', 'p50', 'p99', 'target (p99)', '', 'max'],
      [
        'send → visible in the inbox',
        `${fmt(p(fromSend, 0.5), 1)} ms`,
        `${fmt(p(fromSend, 0.99), 1)} ms`,
        `< ${TARGETS.mailMs} ms`,
        visibleAt.size === total ? verdict(p(fromSend, 0.99), TARGETS.mailMs) : 'MISSED (not all seen)',
        `${fmt(Math.max(...fromSend), 1)} ms`,
      ],
      [
        '250 accepted → visible (poll delay)',
        `${fmt(p(fromAccepted, 0.5), 1)} ms`,
        `${fmt(p(fromAccepted, 0.99), 1)} ms`,
        '',
        '',
        `${fmt(Math.max(...fromAccepted), 1)} ms`,
      ],
      [
        `inbox poll (newest ${POLL_ROWS}, every ${POLL_MS} ms)`,
        `${fmt(p(polls, 0.5), 1)} ms`,
        `${fmt(p(polls, 0.99), 1)} ms`,
        '',
        '',
        '',
      ],
      ['machine load (1 min)', fmt(loadAfterMail, 1), '', '', '', ''],
    ],
  );
  printTable(
    `SLA breach → SLA Breached event (server sweeper, ${fmt(openTickets.length + DUE)} open clocks)`,
    [
      ['', 'measured', 'target', ''],
      ['first responses due', fmt(DUE), '', ''],
      ['breach events', fmt(delays.length), fmt(DUE), delays.length === DUE ? 'ok' : 'MISSING'],
      ['delay p50', `${fmt(p(delays, 0.5), 2)} s`, '', ''],
      [
        'delay p99',
        `${fmt(p(delays, 0.99), 2)} s`,
        `< ${TARGETS.slaS} s`,
        verdict(p(delays, 0.99), TARGETS.slaS),
      ],
      [
        'delay max',
        `${fmt(Math.max(...delays), 2)} s`,
        `< ${TARGETS.slaS} s`,
        verdict(Math.max(...delays), TARGETS.slaS),
      ],
      ['SLA At Risk events (whole run)', fmt(atRiskEvents), '', ''],
    ],
  );
} finally {
  mailer?.close();
  await server?.stop();
  if (process.env.BENCH_KEEP_DATA === '1') console.log(`data kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

/**
 * The tickets, their first messages, agent replies, status history and tags, as tickets/ leaves
 * them. Returns the open ones (for their clocks) and the new ones to re-time for breaches.
 */
function writeTickets(sqlite, { workspaceId, requesters, teams, agents, now }) {
  const ticket = sqlite.prepare(
    `INSERT INTO tickets (workspace_id, ticket_id, number, subject, status, priority, type, profile_id,
       requester_email, company_id, assignee_id, team_id, tags, fields, cc, channel, mailbox_id, merged_into,
       first_response_at, solved_at, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, '{}', '[]', ?, NULL, NULL, ?, ?, ?, ?, ?)`,
  );
  const message = sqlite.prepare(
    `INSERT INTO ticket_messages (workspace_id, message_id, ticket_id, public, author_type, author_id, author_email,
       channel, body, html, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, NULL, ?)`,
  );
  const change = sqlite.prepare(
    `INSERT INTO ticket_status_changes (workspace_id, change_id, ticket_id, status, actor_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const tag = sqlite.prepare('INSERT INTO ticket_tags (workspace_id, ticket_id, tag) VALUES (?, ?, ?)');
  const PRIORITIES = [
    'low',
    'low',
    'normal',
    'normal',
    'normal',
    'normal',
    'normal',
    'high',
    'high',
    'urgent',
  ];
  const TAGS = [[], [], [], ['billing'], ['refund'], ['shipping', 'late'], [], ['vip'], [], ['bug']];
  const OPEN_STATUSES = [
    'open',
    'open',
    'open',
    'open',
    'pending',
    'pending',
    'pending',
    'on_hold',
    'on_hold',
    'open',
  ];
  // The open tickets are the recent ones: two of every three of the newest TAIL tickets (the
  // third solved); new (unanswered) ones are a quarter of the open, all from the last 45 min.
  const tail = Math.ceil(OPEN * 1.5);
  const pad = (n) => String(n).padStart(7, '0');
  const openTickets = [];
  const dueTickets = [];
  let newCount = 0;
  const chunk = sqlite.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const ticketId = `tick_b${pad(i)}`;
      const inTail = i >= TICKETS - tail;
      const isOpen = inTail && (i - (TICKETS - tail)) % 3 !== 0;
      const isNew = isOpen && (i * 7) % 4 === 0;
      let created;
      let updated;
      let status;
      if (isNew) {
        created = now - ((i * 7919) % (45 * 60)) * 1000 - 1000;
        updated = created;
        status = 'new';
      } else if (isOpen) {
        created = now - ((i * 7919) % (25 * 24 * 60)) * MINUTE - 2 * 60 * MINUTE;
        updated = Math.min(now - 1000, created + ((i * 31) % 48) * 60 * MINUTE + MINUTE);
        status = OPEN_STATUSES[(i * 13) % 10];
      } else {
        // Solved or closed, created over 2 years before the tail (the tail's solved ones: 25 days).
        created = inTail
          ? now - ((i * 7919) % (25 * 24 * 60)) * MINUTE - 2 * 60 * MINUTE
          : now - 25 * DAY - ((TICKETS - tail - i) / Math.max(1, TICKETS - tail)) * 705 * DAY;
        updated = Math.min(now - 1000, created + ((i * 31) % 10) * DAY + 30 * MINUTE);
        status = (i * 11) % 10 < 3 ? 'solved' : 'closed';
      }
      const requester = requesters[(i * 7) % requesters.length];
      const assignee =
        isNew || (isOpen && (i * 17) % 10 < 2) ? null : agents[Math.floor(i / 7) % agents.length];
      const team = (i * 3) % 10 === 9 ? null : teams[(i * 29) % teams.length];
      const tags = TAGS[(i * 19) % TAGS.length];
      const priority = PRIORITIES[(i * 23) % PRIORITIES.length];
      const answered = !isNew;
      const firstResponse = answered ? created + 45 * MINUTE : null;
      const createdIso = new Date(created).toISOString();
      const updatedIso = new Date(Math.max(updated, firstResponse ?? 0)).toISOString();
      const solvedIso = status === 'solved' || status === 'closed' ? updatedIso : null;
      const channel = (i * 5) % 10 < 7 ? 'web' : 'api';
      ticket.run(
        workspaceId,
        ticketId,
        i + 1,
        `Order ${100_000 + i} has not arrived`,
        status,
        priority,
        (i * 3) % 4 === 0 ? 'question' : null,
        requester.profileId,
        requester.email,
        assignee,
        team,
        JSON.stringify(tags),
        channel,
        firstResponse === null ? null : new Date(firstResponse).toISOString(),
        solvedIso,
        null,
        createdIso,
        updatedIso,
      );
      for (const t of tags) tag.run(workspaceId, ticketId, t);
      message.run(
        workspaceId,
        `tmsg_b${pad(i)}a`,
        ticketId,
        'requester',
        null,
        requester.email,
        channel,
        `My order ${100_000 + i} has not arrived. Could you check where it is?`,
        createdIso,
      );
      if (answered)
        message.run(
          workspaceId,
          `tmsg_b${pad(i)}b`,
          ticketId,
          'agent',
          assignee ?? agents[0],
          null,
          channel,
          'Thanks for writing; we are looking into it and will get back to you shortly.',
          new Date(firstResponse).toISOString(),
        );
      change.run(workspaceId, `tsc_b${pad(i)}a`, ticketId, 'new', null, createdIso);
      if (status !== 'new')
        change.run(workspaceId, `tsc_b${pad(i)}b`, ticketId, status, assignee, updatedIso);
      if (isOpen) {
        const entry = {
          ticketId,
          priority,
          type: (i * 3) % 4 === 0 ? 'question' : null,
          tags,
          teamId: team,
          createdAt: createdIso,
          updatedAt: updatedIso,
          status,
          firstResponseAt: firstResponse === null ? null : new Date(firstResponse).toISOString(),
          profileId: requester.profileId,
        };
        if (isNew && newCount++ < DUE) dueTickets.push(entry);
        else openTickets.push(entry);
      }
    }
  });
  for (let from = 0; from < TICKETS; from += 10_000) chunk(from, Math.min(TICKETS, from + 10_000));
  sqlite
    .prepare(
      `INSERT INTO ticket_counters (workspace_id, last_number) VALUES (?, ?)
       ON CONFLICT (workspace_id) DO UPDATE SET last_number = excluded.last_number`,
    )
    .run(workspaceId, TICKETS);
  return { openTickets, dueTickets };
}

/**
 * Moves the chosen new tickets' opening so that their first response (60 min) falls due 90–150 s
 * from now: the row, its first message and its status history, as if they had come in then.
 */
function retime(sqlite, workspaceId, dueTickets, dueAt) {
  const base = Date.now() - 60 * MINUTE + DUE_LEAD_S * 1000;
  const update = sqlite.transaction(() => {
    dueTickets.forEach((t, k) => {
      const created = base + ((k * 7919) % 60_000);
      const iso = new Date(created).toISOString();
      t.createdAt = iso;
      t.updatedAt = iso;
      dueAt.set(t.ticketId, created + 60 * MINUTE);
      sqlite
        .prepare('UPDATE tickets SET created_at = ?, updated_at = ? WHERE workspace_id = ? AND ticket_id = ?')
        .run(iso, iso, workspaceId, t.ticketId);
      sqlite
        .prepare('UPDATE ticket_messages SET created_at = ? WHERE workspace_id = ? AND ticket_id = ?')
        .run(iso, workspaceId, t.ticketId);
      sqlite
        .prepare('UPDATE ticket_status_changes SET at = ? WHERE workspace_id = ? AND ticket_id = ?')
        .run(iso, workspaceId, t.ticketId);
    });
  });
  update();
}

/** The SLA timeline tickets/ builds from a ticket's rows. */
function timelineOf(workspaceId, t) {
  const statusChanges = [{ status: 'new', at: t.createdAt }];
  if (t.status !== 'new') statusChanges.push({ status: t.status, at: t.updatedAt });
  const publicMessages = [{ author: 'requester', at: t.createdAt }];
  if (t.firstResponseAt) publicMessages.push({ author: 'agent', at: t.firstResponseAt });
  return {
    workspaceId,
    ticketId: t.ticketId,
    priority: t.priority,
    type: t.type,
    tags: t.tags,
    teamId: t.teamId,
    createdAt: t.createdAt,
    statusChanges,
    publicMessages,
    profileId: t.profileId,
  };
}
