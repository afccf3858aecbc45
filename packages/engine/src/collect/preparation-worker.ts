// A preparation thread (see preparation-pool.ts): parses and normalizes Tracking API bodies.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors/index.js';
import { type AcceptedCall, encodeAcceptedCalls } from '../log/index.js';
import type {
  PreparationAnswer,
  PreparationJob,
  PreparationThreadData,
  ScreenedAnswer,
  ScreenRulesMessage,
} from './preparation-pool.js';
import type { PreparationScreens, ScreenedCalls, ScreenFinding } from './preparation-screen.js';
import { prepareRequest } from './tracking-request.js';

const port = parentPort;
if (!port) throw new Error('preparation-worker runs as a worker thread');
// Typed by preparation-pool.ts, the only code starting this file.
const { callLimits, screens: screensModule } = workerData as PreparationThreadData;

/** The screens module is loaded once; jobs and rule changes wait for it, in the order posted. */
const ready: Promise<PreparationScreens | undefined> = (async () => {
  if (!screensModule) return undefined;
  const module = (await import(screensModule.url)) as {
    createPreparationScreens(): PreparationScreens;
  };
  const screens = module.createPreparationScreens();
  for (const [sourceId, rules] of screensModule.rules) screens.setRules(sourceId, rules);
  return screens;
})();

port.on('message', (message: PreparationJob | ScreenRulesMessage) => {
  void ready.then(
    (screens) => {
      if ('jobId' in message) answer(message, screens);
      else screens?.setRules(message.sourceId, message.rules);
    },
    // Without its screens the thread prepares nothing: each job is answered with the reason.
    () => {
      if ('jobId' in message) fail(message.jobId, 'could not load its call screens');
    },
  );
});

function answer(job: PreparationJob, screens: PreparationScreens | undefined): void {
  let answer: PreparationAnswer;
  try {
    const { calls, writeKey, events, rejections, rejected, screened } = prepareRequest(
      job,
      callLimits,
      screens,
    );
    answer = {
      jobId: job.jobId,
      calls,
      writeKey,
      events: encodeAcceptedCalls(events),
      rejections,
      rejected,
      screened: screened && screenedAnswer(events, screened),
    };
  } catch (error) {
    const { code, message, details } =
      error instanceof AppError ? error : new AppError('internal', 'The request body could not be read');
    answer = { jobId: job.jobId, error: details ? { code, message, details } : { code, message } };
  }
  try {
    // The calls' bytes move to the event loop's thread without a copy.
    port?.postMessage(
      answer,
      'events' in answer ? [answer.events.bytes.buffer, answer.events.lengths.buffer] : [],
    );
  } catch {
    // An answer that cannot be cloned must still answer its request (and not end the thread).
    fail(job.jobId, 'could not hand back the prepared request');
  }
}

function fail(jobId: number, why: string): void {
  port?.postMessage({
    jobId,
    error: { code: 'internal', message: `The ingest thread preparing this request ${why}` },
  } satisfies PreparationAnswer);
}

/** The findings by the position of their call among the events (the calls cross as bytes). */
function screenedAnswer(events: readonly AcceptedCall[], screened: ScreenedCalls): ScreenedAnswer {
  const positions: number[] = [];
  const findings: ScreenFinding[] = [];
  for (let at = 0; at < events.length; at++) {
    const finding = screened.findings.get(events[at] as AcceptedCall);
    if (finding) {
      positions.push(at);
      findings.push(finding);
    }
  }
  return { key: screened.key, positions, findings };
}
