import { sql } from 'kysely';
import { type PrefixLookup, prefixLookupSql, type Store } from '../../store/index.js';

/** A deal global search found: what to show, and the texts of it that can match. */
export interface DealMatch {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string | null;
  readonly texts: readonly string[];
}

/** Deals whose name matches any of `lookups` (indexed prefix probes of the lower-cased name). */
export function dealsSearch(store: Store) {
  const name = sql<string>`lower(name)`;
  return async (
    workspaceId: string,
    request: { lookups: readonly PrefixLookup[]; limit: number },
  ): Promise<DealMatch[]> => {
    const found = await Promise.all(
      request.lookups.map((lookup) =>
        store.db
          .selectFrom('crm_deals')
          .select(['deal_id', 'name', 'amount', 'currency', 'status'])
          .where('workspace_id', '=', workspaceId)
          .where(() => prefixLookupSql(name, lookup, { table: 'crm_deals', workspaceId }))
          .limit(request.limit)
          .execute(),
      ),
    );
    const byId = new Map<string, DealMatch>();
    for (const deal of found.flat()) {
      byId.set(deal.deal_id, {
        id: deal.deal_id,
        title: deal.name,
        subtitle: `${deal.amount} ${deal.currency} · ${deal.status}`,
        texts: [deal.name.toLowerCase()],
      });
    }
    return [...byId.values()];
  };
}

/** Each closed deal's outcome for each person on it (lead scoring's calibration). */
export async function closedDealOutcomes(
  store: Store,
  workspaceId: string,
): Promise<{ profileId: string; won: boolean }[]> {
  const rows = await store.db
    .selectFrom('crm_deals as d')
    .innerJoin('crm_deal_people as p', (join) =>
      join.onRef('p.workspace_id', '=', 'd.workspace_id').onRef('p.deal_id', '=', 'd.deal_id'),
    )
    .select(['p.profile_id', 'd.status'])
    .where('d.workspace_id', '=', workspaceId)
    .where('d.status', 'in', ['won', 'lost'])
    .execute();
  return rows.map((row) => ({ profileId: row.profile_id, won: row.status === 'won' }));
}
