// A preparation thread (see preparation-pool.ts): parses and normalizes Tracking API bodies.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors/index.js';
import { encodeAcceptedCalls } from '../log/index.js';
import type { PreparationAnswer, PreparationJob, PreparationThreadData } from './preparation-pool.js';
import { prepareRequest } from './tracking-request.js';

const port = parentPort;
if (!port) throw new Error('preparation-worker runs as a worker thread');
// Typed by preparation-pool.ts, the only code starting this file.
const { callLimits } = workerData as PreparationThreadData;

port.on('message', (job: PreparationJob) => {
  let answer: PreparationAnswer;
  try {
    const { calls, writeKey, events, rejections, rejected } = prepareRequest(job, callLimits);
    answer = { jobId: job.jobId, calls, writeKey, events: encodeAcceptedCalls(events), rejections, rejected };
  } catch (error) {
    const { code, message, details } =
      error instanceof AppError ? error : new AppError('internal', 'The request body could not be read');
    answer = { jobId: job.jobId, error: details ? { code, message, details } : { code, message } };
  }
  try {
    // The calls' bytes move to the event loop's thread without a copy.
    port.postMessage(
      answer,
      'events' in answer ? [answer.events.bytes.buffer, answer.events.lengths.buffer] : [],
    );
  } catch {
    // An answer that cannot be cloned must still answer its request (and not end the thread).
    port.postMessage({
      jobId: job.jobId,
      error: {
        code: 'internal',
        message: 'The prepared request could not be handed back by its ingest thread',
      },
    } satisfies PreparationAnswer);
  }
});
