// Live stream clients of `npm run bench:streams`, in a worker thread of the benchmark (several
// of them read in parallel, as separate clients would): raw sockets that count the events they
// receive, notice the server's last `error` message, and stop reading when told to.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { url, path, token, stalling } = workerData;
const READY = Buffer.from('event: ready');
const EVENT = Buffer.from('\nevent: event\n');
const ERROR = Buffer.from('event: error');

/** Occurrences of `marker` in `buffer`. */
function countOf(buffer, marker) {
  let found = 0;
  for (let at = buffer.indexOf(marker); at >= 0; at = buffer.indexOf(marker, at + marker.length)) found += 1;
  return found;
}

function openStream(stalls) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const stream = {
    stalls,
    events: 0,
    bytes: 0,
    atMark: 0,
    ready: false,
    closed: false,
    endedByServer: false,
  };
  let carry = Buffer.alloc(0);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  socket.on('data', (chunk) => {
    stream.bytes += chunk.length;
    // Markers may straddle two chunks: the seam is searched too, without copying whole chunks.
    const seam = Buffer.concat([carry, chunk.subarray(0, EVENT.length - 1)]);
    if (!stream.ready && (chunk.includes(READY) || seam.includes(READY))) stream.ready = true;
    stream.events += countOf(chunk, EVENT) + countOf(seam, EVENT);
    if (chunk.includes(ERROR) || seam.includes(ERROR)) stream.endedByServer = true;
    carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - EVENT.length + 1)));
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    stream.closed = true;
  });
  stream.socket = socket;
  return stream;
}

const streams = stalling.map((stalls) => openStream(stalls));
while (streams.some((stream) => !stream.ready && !stream.closed)) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
parentPort.postMessage({ type: 'ready', refused: streams.filter((stream) => stream.closed).length });

parentPort.on('message', (command) => {
  if (command === 'stall') for (const stream of streams) if (stream.stalls) stream.socket.pause();
  if (command === 'mark') for (const stream of streams) stream.atMark = stream.events;
  if (command === 'report') {
    const report = streams.map(({ stalls, events, bytes, atMark, closed, endedByServer }) => ({
      stalls,
      events,
      bytes,
      sinceMark: events - atMark,
      closed,
      endedByServer,
    }));
    for (const stream of streams) stream.socket.destroy();
    parentPort.postMessage({ type: 'report', streams: report });
  }
});
