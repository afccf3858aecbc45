import { randomBytes, randomFillSync } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '@tandem/contract';
import { monotonicFactory } from 'ulid';

// ulid draws 16 random numbers per id; asking the OS for each one cost ~5% of ingestion time.
// A pool refilled 4,096 at a time from the same cryptographic source keeps ids unguessable.
const pool = new Uint32Array(4096);
let poolIndex = pool.length;
function pooledRandom(): number {
  if (poolIndex >= pool.length) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  return (pool[poolIndex++] ?? 0) / 4294967296;
}

const ulid = monotonicFactory(pooledRandom);

/** A time-ordered id with its type prefix, e.g. `prof_01jd…`. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid().toLowerCase()}`;
}

/** A random secret (tokens, write keys, passwords) in URL-safe base64. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
