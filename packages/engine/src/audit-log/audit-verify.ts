import type { AuditChainReport } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { GENESIS_HASH, linkHash, sha256Hex } from './audit-chain.js';

const PAGE = 1000;
type Broken = NonNullable<AuditChainReport['brokenAt']>;

/**
 * Walks a workspace's chain from its anchor (the genesis, or the last entry retention removed)
 * to its head: each entry must follow the previous one by seq, name the previous hash, hash to
 * its stored hash, and its content (unless erased) must match its digest; the head must name the
 * last entry, so removing entries from the end shows too. Reports the first broken link.
 */
export async function verifyChain(
  db: Kysely<Database>,
  workspaceId: string,
  now: string,
): Promise<AuditChainReport> {
  const head = await db
    .selectFrom('audit_heads')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  let expectedSeq = (head?.anchor_seq ?? 0) + 1;
  let previousHash = head?.anchor_hash ?? GENESIS_HASH;
  let checked = 0;
  const report = (brokenAt: Broken | null): AuditChainReport => ({
    ok: brokenAt === null,
    checked,
    brokenAt,
    verifiedAt: now,
  });
  for (;;) {
    const rows = await db
      .selectFrom('audit_entries as e')
      .leftJoin('audit_contents as c', (join) =>
        join.onRef('c.workspace_id', '=', 'e.workspace_id').onRef('c.seq', '=', 'e.seq'),
      )
      .selectAll('e')
      .select(['c.content', 'c.erased_at', 'c.seq as content_seq'])
      .where('e.workspace_id', '=', workspaceId)
      .where('e.seq', '>=', expectedSeq)
      .orderBy('e.seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return report({ seq: expectedSeq, entryId: null, reason: 'missing_entry' });
      const entry = {
        workspaceId,
        seq,
        entryId: row.entry_id,
        at: row.at,
        actorKind: row.actor_kind,
        actorId: row.actor_id,
        action: row.action,
        method: row.method,
        route: row.route,
        status: Number(row.status),
        contentDigest: row.content_digest,
      };
      if (row.prev_hash !== previousHash || linkHash(previousHash, entry) !== row.hash) {
        return report({ seq, entryId: row.entry_id, reason: 'hash_mismatch' });
      }
      const contentIntact =
        row.content_seq !== null &&
        (row.content === null ? row.erased_at !== null : sha256Hex(row.content) === row.content_digest);
      if (!contentIntact) return report({ seq, entryId: row.entry_id, reason: 'content_mismatch' });
      checked += 1;
      previousHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < PAGE) break;
  }
  const headSeq = head?.seq ?? 0;
  if (headSeq !== expectedSeq - 1 || (head?.hash ?? GENESIS_HASH) !== previousHash) {
    return report({ seq: expectedSeq, entryId: null, reason: 'head_mismatch' });
  }
  return report(null);
}
