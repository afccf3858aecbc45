import jsonata from 'jsonata';

// Subscriptions' JSONata mappings: declarative reshaping of a delivery body, no arbitrary code.
// Each evaluation is bounded in time and depth (checked at every step of the evaluator).

/** Longest a mapping may run on one body. */
export const MAPPING_TIME_LIMIT_MS = 50;
const DEADLINE = '__tandemDeadline';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');

interface Lookup {
  lookup(name: string): unknown;
}

type Compiled = ReturnType<typeof jsonata>;
const compiled = new Map<string, Compiled>();

export type MappingResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Compiles (cached) a mapping; a syntax error is answered as a sentence. */
export function compileMapping(
  mapping: string,
): { ok: true; expression: Compiled } | { ok: false; error: string } {
  const cached = compiled.get(mapping);
  if (cached) return { ok: true, expression: cached };
  try {
    const expression = jsonata(mapping);
    // Checked at every step: the evaluation's own deadline (a binding, so concurrent ones differ).
    expression.assign(ENTRY as unknown as string, (_expr: unknown, _input: unknown, env: Lookup) => {
      const deadline = env.lookup(DEADLINE);
      if (typeof deadline === 'number' && Date.now() > deadline)
        throw { message: `it ran longer than ${MAPPING_TIME_LIMIT_MS} ms` };
    });
    if (compiled.size > 1000) compiled.clear();
    compiled.set(mapping, expression);
    return { ok: true, expression };
  } catch (error) {
    return { ok: false, error: `The mapping is not valid JSONata: ${messageOf(error)}` };
  }
}

/** Runs a mapping on a body; its result must be a JSON object (what transports send). */
export async function applyMapping(mapping: string, body: unknown): Promise<MappingResult> {
  const compiledMapping = compileMapping(mapping);
  if (!compiledMapping.ok) return compiledMapping;
  try {
    const value = await compiledMapping.expression.evaluate(body, {
      [DEADLINE]: Date.now() + MAPPING_TIME_LIMIT_MS,
    });
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, error: 'The mapping must produce a JSON object' };
    // Sequences and functions out, plain JSON in.
    return { ok: true, value: JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    return { ok: false, error: `The mapping failed: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
