import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';

/** The live companies `userId` owns (one merged away speaks through its survivor). */
export async function companiesOwnedBy(
  db: Kysely<Database>,
  owner: { workspaceId: string; userId: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_companies')
    .select('company_id')
    .where('workspace_id', '=', owner.workspaceId)
    .where('owner_id', '=', owner.userId)
    .where('merged_into', 'is', null)
    .orderBy('company_id')
    .execute();
  return rows.map((row) => row.company_id);
}

/** Every user id owning a live company of the workspace. */
export async function companyOwnerIds(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_companies')
    .select('owner_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', 'is not', null)
    .where('merged_into', 'is', null)
    .execute();
  return rows.flatMap((row) => (row.owner_id === null ? [] : [row.owner_id]));
}

/**
 * Gives the live companies `from` owns to `to` in the caller's transaction, each audited as an
 * `assign` the way an owner change by hand is. Answers how many.
 */
export async function handOverCompaniesWithin(
  trx: Kysely<Database>,
  handOver: { workspaceId: string; from: string; to: string; actorId: string | null; at: string },
): Promise<number> {
  const { workspaceId, from, to, actorId, at } = handOver;
  const companyIds = await companiesOwnedBy(trx, { workspaceId, userId: from });
  if (companyIds.length === 0) return 0;
  await trx
    .updateTable('crm_companies')
    .set({ owner_id: to, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', '=', from)
    .where('merged_into', 'is', null)
    .execute();
  await recordCrmAudit(
    trx,
    companyIds.map((companyId) => ({
      workspaceId,
      actorId,
      entityType: 'company',
      entityId: companyId,
      action: 'assign',
      before: { ownerId: from },
      after: { ownerId: to },
      at,
    })),
  );
  return companyIds.length;
}
