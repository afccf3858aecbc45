import { MAX_CALL_BYTES } from '@tandem/contract';
import type { RejectedCall } from '../log/index.js';
import type { CallProblem } from './normalize-call.js';

// A refused call is kept whole up to the call size limit; beyond, a preview tells what it was.
const PREVIEW_CHARS = 4096;
const NOT_JSON = '(not representable as JSON)';

/** The refused call as the debugger will show it. Never throws, whatever `call` is. */
export function rejectedCallOf(call: unknown, problem: CallProblem, receivedAt: string): RejectedCall {
  let payload = call;
  let json: string;
  try {
    // undefined (and functions) serialize to nothing: keep them as null.
    json = JSON.stringify(call) ?? 'null';
  } catch {
    // A BigInt or a cycle: only a caller that did not parse JSON can pass that.
    payload = NOT_JSON;
    json = JSON.stringify(NOT_JSON);
  }
  if (json.length > MAX_CALL_BYTES) {
    payload = `${json.slice(0, PREVIEW_CHARS)}…`;
    json = JSON.stringify(payload);
  }
  return { code: problem.code, message: problem.message, payload, payloadJson: json, receivedAt };
}
