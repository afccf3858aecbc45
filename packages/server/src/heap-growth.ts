import { setFlagsFromString } from 'node:v8';

/**
 * How far past what a full collection kept each thread's old generation may grow before the next
 * one. V8's own factor (up to 4×) let a busy thread hold several times its live data; 50 % bounds
 * that at no measured cost in speed (figures and the factors tried: docs/operations.md, Memory).
 */
export const HEAP_GROWING_PERCENT = 50;

/** Applies HEAP_GROWING_PERCENT to every thread of the process, unless node was given its own. */
export function boundHeapGrowth(): void {
  const given = process.execArgv.some((flag) => flag.includes('heap-growing-percent'));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
