import jsonata from 'jsonata';
import { AppError } from '../errors/index.js';

/** A mapping may run this long per payload; a runaway expression fails instead of hanging. */
export const MAPPING_TIMEOUT_MS = 250;
const MAX_DEPTH = 300;
const MAX_SEQUENCE = 10_000;
/** Calls one payload may produce. */
export const MAX_CALLS_PER_PAYLOAD = 100;

interface JsonataError {
  readonly code?: string;
  readonly message?: string;
  readonly position?: number;
}

/** A compiled mapping; throws `validation_failed` naming `mapping` when the text is not JSONata. */
export function compileMapping(text: string): jsonata.Expression {
  try {
    return jsonata(text, { timeout: MAPPING_TIMEOUT_MS, stack: MAX_DEPTH, sequence: MAX_SEQUENCE } as never);
  } catch (error) {
    throw mappingError('The mapping is not valid JSONata', error);
  }
}

/**
 * Runs a mapping over a payload: the calls it gives (an object is one call, an array several,
 * nothing is no call). Throws `validation_failed` naming `mapping` when evaluation fails.
 */
export async function runMapping(
  expression: jsonata.Expression,
  payload: unknown,
  headers: Record<string, string>,
): Promise<unknown[]> {
  let result: unknown;
  try {
    result = await expression.evaluate(payload, { headers });
  } catch (error) {
    throw mappingError('The mapping failed on this payload', error);
  }
  const calls = (Array.isArray(result) ? result : result === undefined ? [] : [result]).map(plain);
  if (calls.length > MAX_CALLS_PER_PAYLOAD) {
    throw new AppError(
      'validation_failed',
      `The mapping gave ${calls.length} calls; at most ${MAX_CALLS_PER_PAYLOAD} per payload`,
      {
        details: [{ path: 'mapping', message: `at most ${MAX_CALLS_PER_PAYLOAD} calls per payload` }],
      },
    );
  }
  return calls;
}

/** JSONata's results may carry sequence markers and functions: keep plain JSON data. */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value) ?? 'null');
}

function mappingError(lead: string, error: unknown): AppError {
  const { code, message, position } = (error ?? {}) as JsonataError;
  const why =
    code === 'D1012'
      ? `it ran longer than ${MAPPING_TIMEOUT_MS} ms`
      : `${message ?? String(error)}${position === undefined ? '' : ` (at character ${position})`}`;
  return new AppError('validation_failed', `${lead}: ${why}`, {
    details: [{ path: 'mapping', message: why }],
  });
}
