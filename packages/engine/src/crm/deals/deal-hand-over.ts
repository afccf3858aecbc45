import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';

/** The open deals `userId` owns; won and lost ones keep their owner as history. */
export async function openDealsOwnedBy(
  db: Kysely<Database>,
  owner: { workspaceId: string; userId: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_deals')
    .select('deal_id')
    .where('workspace_id', '=', owner.workspaceId)
    .where('owner_id', '=', owner.userId)
    .where('status', '=', 'open')
    .orderBy('deal_id')
    .execute();
  return rows.map((row) => row.deal_id);
}

/** Every user id owning an open deal of the workspace. */
export async function openDealOwnerIds(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_deals')
    .select('owner_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', 'is not', null)
    .where('status', '=', 'open')
    .execute();
  return rows.flatMap((row) => (row.owner_id === null ? [] : [row.owner_id]));
}

/** Gives the open deals `from` owns to `to` in the caller's transaction, each audited. Answers how many. */
export async function handOverOpenDealsWithin(
  trx: Kysely<Database>,
  handOver: { workspaceId: string; from: string; to: string; actorId: string | null; at: string },
): Promise<number> {
  const { workspaceId, from, to, actorId, at } = handOver;
  const dealIds = await openDealsOwnedBy(trx, { workspaceId, userId: from });
  if (dealIds.length === 0) return 0;
  await trx
    .updateTable('crm_deals')
    .set({ owner_id: to, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', '=', from)
    .where('status', '=', 'open')
    .execute();
  await recordCrmAudit(
    trx,
    dealIds.map((dealId) => ({
      workspaceId,
      actorId,
      entityType: 'deal',
      entityId: dealId,
      action: 'update',
      before: { ownerId: from },
      after: { ownerId: to },
      at,
    })),
  );
  return dealIds.length;
}
