import { createHash } from 'node:crypto';

/** The previous hash of a chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry holds outside its content: no personal data, all of it hashed. */
export interface ChainedEntry {
  readonly workspaceId: string;
  readonly seq: number;
  readonly entryId: string;
  readonly at: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly action: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly contentDigest: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The entry as hashed: its fields in one fixed order, so every process hashes the same text. */
export function canonicalEntry(entry: ChainedEntry): string {
  return JSON.stringify([
    entry.workspaceId,
    entry.seq,
    entry.entryId,
    entry.at,
    entry.actorKind,
    entry.actorId,
    entry.action,
    entry.method,
    entry.route,
    entry.status,
    entry.contentDigest,
  ]);
}

/** A link of the chain: sha256(previous hash + canonical entry). */
export function linkHash(previousHash: string, entry: ChainedEntry): string {
  return sha256Hex(previousHash + canonicalEntry(entry));
}
