import type { Store } from '../store/index.js';
import { lockedHead } from './audit-append.js';

/**
 * Removes up to `limit` of a workspace's oldest entries made before `before` (and their
 * contents), moving the chain's anchor to the last one removed so the rest still verifies.
 * Stops at the first entry young enough to keep. Returns how many went.
 */
export async function pruneAuditEntries(
  store: Store,
  options: { workspaceId: string; before: string; limit: number },
): Promise<number> {
  const { workspaceId, before, limit } = options;
  return store.db.transaction().execute(async (trx) => {
    const head = await lockedHead(trx, store.kind, workspaceId);
    const oldest = await trx
      .selectFrom('audit_entries')
      .select(['seq', 'at', 'hash'])
      .where('workspace_id', '=', workspaceId)
      .where('seq', '>', head.anchor_seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    const firstKept = oldest.findIndex((entry) => entry.at >= before);
    const removed = firstKept === -1 ? oldest : oldest.slice(0, firstKept);
    const last = removed.at(-1);
    if (!last) return 0;
    const lastSeq = Number(last.seq);
    await trx
      .deleteFrom('audit_contents')
      .where('workspace_id', '=', workspaceId)
      .where('seq', '<=', lastSeq)
      .execute();
    await trx
      .deleteFrom('audit_entries')
      .where('workspace_id', '=', workspaceId)
      .where('seq', '<=', lastSeq)
      .execute();
    await trx
      .updateTable('audit_heads')
      .set({ anchor_seq: lastSeq, anchor_hash: last.hash })
      .where('workspace_id', '=', workspaceId)
      .execute();
    return removed.length;
  });
}
