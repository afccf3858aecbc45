import { randomBytes, randomFillSync } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '@tandem/contract';

// ULIDs (https://github.com/ulid/spec) in lower case: 10 characters of millisecond time, then 16
// random ones, incremented by one within a millisecond so ids made in order sort in order.
// Written here rather than taken from the ulid package, which re-encodes the time and all 16
// random characters for every id: a measurable share of collecting an event.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

// Random characters come from a pool refilled 4,096 bytes at a time from the cryptographic source.
const pool = new Uint8Array(4096);
let poolIndex = pool.length;
function randomCharCode(): number {
  if (poolIndex >= pool.length) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  return (pool[poolIndex++] as number) & 31;
}

let lastTime = -1;
let timeText = '';
/** The random part as alphabet indexes, last character last. */
const randomDigits = new Uint8Array(RANDOM_CHARS);
let randomText = '';

function encodeTime(ms: number): string {
  let text = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    text = ALPHABET[ms % 32] + text;
    ms = Math.floor(ms / 32);
  }
  return text;
}

/** A ULID, lower case, monotonic within this thread (a clock going back keeps the last time). */
function ulid(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    timeText = encodeTime(now);
    for (let i = 0; i < RANDOM_CHARS; i++) randomDigits[i] = randomCharCode();
    randomText = Array.from(randomDigits, (digit) => ALPHABET[digit]).join('');
  } else {
    // Add one to the random part; almost always only its last character changes.
    let at = RANDOM_CHARS - 1;
    while (at >= 0 && randomDigits[at] === 31) randomDigits[at--] = 0;
    // 2^80 ids in one millisecond: the spec's answer too is to give up.
    if (at < 0) throw new Error('ULID random part overflowed within one millisecond');
    randomDigits[at] = (randomDigits[at] as number) + 1;
    let tail = '';
    for (let i = at; i < RANDOM_CHARS; i++) tail += ALPHABET[randomDigits[i] as number];
    randomText = randomText.slice(0, at) + tail;
  }
  return timeText + randomText;
}

/** A time-ordered id with its type prefix, e.g. `prof_01jd…`. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid()}`;
}

/** A random secret (tokens, write keys, passwords) in URL-safe base64. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
