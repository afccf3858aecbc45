// The load generator of `npm run bench:ingest`: runs in its own process, drives the Tracking API
// over raw keep-alive HTTP/1.1 sockets and prints one JSON line of results. Every request carries
// fresh messageIds, so deduplication never turns the load into no-ops.
import net from 'node:net';
import { setPriority } from 'node:os';
import { trackingBodies } from './tracking-bodies.mjs';

// Options: url, writeKey (or writeKeys: connections take them in turn), mode (batch | single),
// connections, durationSec, overallRate (paced), batchSize, maxRequests (closed loop: stop after
// that many), shape ({events, users} of tracking-bodies.mjs).
const options = JSON.parse(process.argv[2]);
const { url, mode, connections, durationSec, overallRate, batchSize = 100 } = options;
const writeKeys = options.writeKeys ?? [options.writeKey];
const auths = writeKeys.map((key) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`);
let nextAuth = 0;
const bodies = trackingBodies(`${process.pid}-${Date.now().toString(36)}`, batchSize, options.shape);
const body = mode === 'batch' ? bodies.batch : bodies.single;

const path = mode === 'batch' ? '/v1/batch' : '/v1/track';
const perRequest = mode === 'batch' ? batchSize : 1;
const summary = overallRate ? await paced() : await closedLoop();
process.stdout.write(`${JSON.stringify(summary)}\n`);

/**
 * As fast as it goes: `connections` clients, each sending its next request on each answer.
 * Over the same raw keep-alive sockets as the paced mode: autocannon spent ~4 µs of this shared
 * machine's CPU per event (a quarter of a core at 60,000 events/s) that the server then lacked.
 */
async function closedLoop() {
  const target = new URL(`${url}${path}`);
  const latencies = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let running = true;
  const startedAt = performance.now();
  const sockets = await Promise.all(
    Array.from({ length: connections }, () =>
      openConnection(target, onResponse, () => {
        errors += 1;
      }),
    ),
  );
  let sent = 0;
  let finished;
  const allSent = new Promise((resolve) => {
    finished = resolve;
  });
  const sendNext = (connection) => {
    sent += 1;
    connection.send(performance.now(), requestBytes(target, body(), connection.auth));
  };
  function onResponse(connection, status) {
    latencies.push(performance.now() - connection.startedAt);
    if (status >= 200 && status < 300) ok += 1;
    else non2xx += 1;
    if (running && !(options.maxRequests <= sent)) sendNext(connection);
    else {
      connection.idle = true;
      if (sockets.every((each) => each.idle)) finished();
    }
  }
  for (const connection of sockets) sendNext(connection);
  await (options.maxRequests ? allSent : new Promise((resolve) => setTimeout(resolve, durationSec * 1000)));
  running = false;
  const seconds = (performance.now() - startedAt) / 1000;
  // Answers still in flight are awaited (so the server is quiet for the next run) but not counted.
  const counted = { ok, non2xx };
  while (sockets.some((connection) => !connection.idle) && errors === 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const connection of sockets) connection.close();
  return summaryOf(counted.ok, counted.non2xx, errors, latencies, seconds);
}

/**
 * Open loop at a fixed rate, evenly spaced (not bursts at the top of each second). Requests go
 * over raw keep-alive sockets, written as ready bytes and answered by a minimal response parser:
 * node's http client spends ~50 µs per request, which at thousands of requests a second on a
 * shared 2-core machine queued requests in the generator.
 *
 * Each latency counts from the moment its request was due, not from when the generator got to
 * send it: whatever delays a request (the server, the machine, the generator itself) is counted,
 * never hidden. And the generator runs at a lower CPU priority (nice 10), closer to a client on
 * another machine: on these two shared cores it uses ~20 % of one, taken at equal priority just
 * when the server's threads needed it (in three runs each, 67–99 batch requests of 10 s past
 * 25 ms in the server's own timings, against 0–3 at nice 10). Its own delays still count, from
 * the due time. The closed-loop runs, which measure throughput and need the generator to keep
 * every connection busy, stay at normal priority.
 */
async function paced() {
  try {
    setPriority(10);
  } catch {
    // Not permitted here: measure at normal priority.
  }
  const target = new URL(`${url}${path}`);
  const latencies = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let warmUpAcknowledged = 0;
  const waiting = []; // requests due while every connection was busy: [dueAt, bytes, measured]
  const idle = [];
  const sockets = await Promise.all(
    Array.from({ length: connections }, () => openConnection(target, onResponse, () => (errors += 1))),
  );
  idle.push(...sockets);
  function onResponse(connection, status) {
    const success = status >= 200 && status < 300;
    if (!connection.measured) warmUpAcknowledged += success ? 1 : 0;
    else {
      latencies.push(performance.now() - connection.startedAt);
      if (success) ok += 1;
      else non2xx += 1;
    }
    const next = waiting.shift();
    if (next) connection.send(...next);
    else idle.push(connection);
  }
  // The first second is sent at the same rate but not measured: a cold generator (JIT, fresh
  // sockets) at thousands of requests a second lags by tens of ms, which read as the server's.
  const warmUpMs = 1000;
  const send = (dueAt, measured) => {
    const bytes = requestBytes(target, body(), auths[sentTotal++ % auths.length]);
    const connection = idle.pop();
    if (connection) connection.send(dueAt, bytes, measured);
    else waiting.push([dueAt, bytes, measured]);
  };
  const startedAt = performance.now();
  let sent = 0;
  let sentTotal = 0;
  let measuring = false;
  while (performance.now() - startedAt < warmUpMs + durationSec * 1000) {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * overallRate);
    while (sent < due) {
      const dueAt = startedAt + (sent / overallRate) * 1000;
      const measured = dueAt - startedAt >= warmUpMs;
      if (measured && !measuring) {
        measuring = true;
        // Tells the benchmark to read the server's own figures from here.
        process.stdout.write(`${JSON.stringify({ measuring: true })}\n`);
      }
      send(dueAt, measured);
      sent += 1;
    }
    // Sleep until the next request is due: spinning on setImmediate would take a whole core from
    // the server it measures (2 cores in all), and the latencies would measure that contention.
    const nextDueMs = ((sent + 1) / overallRate) * 1000;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, nextDueMs - (performance.now() - startedAt))),
    );
  }
  const seconds = (performance.now() - startedAt - warmUpMs) / 1000;
  while (idle.length + errors < connections || waiting.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const connection of sockets) connection.close();
  const summary = summaryOf(ok, non2xx, errors, latencies, seconds);
  // Warm-up events were acknowledged (and stored) too: the store check counts them.
  return { ...summary, acknowledgedEvents: summary.acknowledgedEvents + warmUpAcknowledged * perRequest };
}

/** A whole request as bytes, ready to write. */
function requestBytes(target, payload, auth) {
  return Buffer.from(
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: ${auth}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
  );
}

function summaryOf(ok, non2xx, errors, latencies, seconds) {
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    acknowledgedEvents: ok * perRequest,
    requestsPerSec: ok / seconds,
    eventsPerSec: (ok * perRequest) / seconds,
    p50: at(0.5),
    p99: at(0.99),
    non2xx,
    errors,
  };
}

/** One keep-alive connection, one request at a time; `onResponse` gets each answer's status. */
function openConnection(target, onResponse, onError) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname);
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    const connection = {
      startedAt: 0,
      measured: true,
      // Each connection writes to one source: with several write keys, connections take them in turn.
      auth: auths[nextAuth++ % auths.length],
      send(startedAt, bytes, measured = true) {
        connection.startedAt = startedAt;
        connection.measured = measured;
        socket.write(bytes);
      },
      close: () => socket.end(),
    };
    socket.on('data', (chunk) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const head = buffered.subarray(0, headerEnd).toString('latin1');
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const end = headerEnd + 4 + length;
        if (buffered.length < end) return;
        buffered = buffered.subarray(end);
        onResponse(connection, Number(head.slice(9, 12)));
      }
    });
    socket.once('connect', () => resolve(connection));
    socket.once('error', (error) => {
      onError();
      reject(error);
    });
  });
}
