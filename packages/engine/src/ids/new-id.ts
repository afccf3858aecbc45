import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '@tandem/contract';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** A time-ordered id with its type prefix, e.g. `prof_01jd…`. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid().toLowerCase()}`;
}

/** A random secret (tokens, write keys, passwords) in URL-safe base64. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
