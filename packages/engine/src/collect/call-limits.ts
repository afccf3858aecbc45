import type { CallProblem } from './normalize-call.js';

/** Bounds on the shape of one call (settings, declared in the server's config). */
export interface CallLimits {
  /** Members of `properties`, those of nested objects included. */
  readonly maxPropertiesPerEvent: number;
  /** Members of `traits`, those of nested objects included. */
  readonly maxTraitsPerCall: number;
  /** Levels of objects and arrays in any member of a call (`properties` itself is one). */
  readonly maxDepth: number;
}

export const DEFAULT_CALL_LIMITS: CallLimits = Object.freeze({
  maxPropertiesPerEvent: 1000,
  maxTraitsPerCall: 1000,
  maxDepth: 32,
});

/**
 * Why a call is over a limit, or undefined. One walk over the call's objects, stopping at the
 * depth limit (so its recursion is bounded too): a fraction of a microsecond for common calls.
 */
export function callLimitProblem(call: Record<string, unknown>, limits: CallLimits): CallProblem | undefined {
  for (const field in call) {
    const value = call[field];
    if (typeof value !== 'object' || value === null) continue;
    const members = membersWithin(value, limits.maxDepth - 1);
    if (members < 0) {
      return exceeded(
        `\`${field}\` nests objects and arrays deeper than the limit of ${count(limits.maxDepth)} levels (TANDEM_MAX_CALL_DEPTH)`,
      );
    }
    if (field === 'properties' && members > limits.maxPropertiesPerEvent) {
      return exceeded(
        `\`properties\` holds ${count(members)} keys (nested keys count); the limit is ${count(limits.maxPropertiesPerEvent)} (TANDEM_MAX_PROPERTIES_PER_EVENT)`,
      );
    }
    if (field === 'traits' && members > limits.maxTraitsPerCall) {
      return exceeded(
        `\`traits\` holds ${count(members)} keys (nested keys count); the limit is ${count(limits.maxTraitsPerCall)} (TANDEM_MAX_TRAITS_PER_CALL)`,
      );
    }
  }
  return undefined;
}

/** Object members in `value` at every level, or -1 when it nests more than `levelsLeft` levels further. */
function membersWithin(value: object, levelsLeft: number): number {
  let members = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const inner = levelsLeft === 0 ? -1 : membersWithin(item, levelsLeft - 1);
      if (inner < 0) return -1;
      members += inner;
    }
    return members;
  }
  const record = value as Record<string, unknown>; // not an array: a JSON object
  for (const key in record) {
    members += 1;
    const item = record[key];
    if (typeof item !== 'object' || item === null) continue;
    const inner = levelsLeft === 0 ? -1 : membersWithin(item, levelsLeft - 1);
    if (inner < 0) return -1;
    members += inner;
  }
  return members;
}

function exceeded(message: string): CallProblem {
  return { code: 'limit_exceeded', message };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
