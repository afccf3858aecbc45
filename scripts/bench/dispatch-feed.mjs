// scripts/bench/dispatch.mjs's live feed, in a thread of its own as the pipeline's delivery stage
// is: RATE outbox rows a second, a write transaction every 10 ms on the pipeline's side of the
// write turn, each tick's ids posted back once committed (the dispatcher's wake-up).
import { parentPort, workerData } from 'node:worker_threads';
import { deliveryRow } from './dispatch-rows.mjs';

const { engineRoot, file, writeTurn, workspaceId, destinationId, rate, users, firstOrd } = workerData;
const { openStore } = await import(`${engineRoot}/packages/engine/dist/index.js`);
const store = await openStore({ sqliteFile: file, walCheckpointer: false, pipelineWriteTurn: writeTurn });
let running = rate > 0;
parentPort.on('message', (m) => {
  if (m === 'stop') running = false;
});
const perTick = Math.max(1, Math.round(rate / 100));
let ord = firstOrd;
let n = 0;
let next = Date.now();
while (running) {
  const at = new Date().toISOString();
  const rows = [];
  for (let i = 0; i < perTick; i++) {
    n += 1;
    ord += 1;
    rows.push(
      deliveryRow({
        workspaceId,
        destinationId,
        deliveryId: `dlv_live${n}`,
        userIndex: Math.floor(Math.random() * users),
        ord,
        at,
      }),
    );
  }
  await store.db.transaction().execute((trx) => trx.insertInto('deliveries').values(rows).execute());
  parentPort.postMessage({ ids: rows.map((r) => r.delivery_id), at: Date.now() });
  next += 10;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
}
await store.close();
process.exit(0);
