import { MAX_CALL_BYTES } from '@tandem/contract';
import type { RejectedCall } from '../log/index.js';
import type { CallProblem } from './normalize-call.js';

// A refused call is kept whole up to the call size limit; beyond, a preview tells what it was.
const PREVIEW_CHARS = 4096;
const NOT_JSON = '(not representable as JSON)';
// Deeper calls (the depth limit, at most 256 levels, refuses them anyway) are kept as a preview
// too: an object nested a few thousand levels overflows the stack of the structured clone that
// hands it from an ingest thread to the event loop, and the answer would be lost on the way.
const MAX_KEPT_DEPTH = 300;

/** The refused call as the debugger will show it. Never throws, whatever `call` is. */
export function rejectedCallOf(call: unknown, problem: CallProblem, receivedAt: string): RejectedCall {
  let payload = call;
  let json: string;
  try {
    // undefined (and functions) serialize to nothing: keep them as null.
    json = JSON.stringify(call) ?? 'null';
  } catch {
    // A BigInt, a cycle, or nesting deeper than the stack: not JSON the debugger could show.
    payload = NOT_JSON;
    json = JSON.stringify(NOT_JSON);
  }
  if (json.length > MAX_CALL_BYTES || nestsDeeperThan(payload, MAX_KEPT_DEPTH)) {
    payload = `${json.slice(0, PREVIEW_CHARS)}…`;
    json = JSON.stringify(payload);
  }
  return { code: problem.code, message: problem.message, payload, payloadJson: json, receivedAt };
}

/** Whether `value` nests objects and arrays more than `levels` deep; its recursion stops there. */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  for (const member of Object.values(value)) if (nestsDeeperThan(member, levels - 1)) return true;
  return false;
}
