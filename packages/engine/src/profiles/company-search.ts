import { sql } from 'kysely';
import { lowerJsonMemberSql, type PrefixLookup, prefixLookupSql, type Store } from '../store/index.js';

/** A company global search found: what to show, and the texts of it that can match. */
export interface CompanyMatch {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string | null;
  readonly texts: readonly string[];
}

/**
 * Companies whose name or `domain` trait matches any of `lookups` (indexed prefix probes of
 * lower-cased text: the expression indexes of migration 0018), at most `limit` per probe.
 */
export function companiesSearch(store: Store) {
  const domain = lowerJsonMemberSql(store.kind, 'traits', 'domain');
  return async (
    workspaceId: string,
    request: { lookups: readonly PrefixLookup[]; limit: number },
  ): Promise<CompanyMatch[]> => {
    const probes = request.lookups.flatMap((lookup) =>
      [sql<string>`lower(name)`, domain].map((text) =>
        store.db
          .selectFrom('companies')
          .select(['company_id', 'name', domain.as('domain')])
          .where('workspace_id', '=', workspaceId)
          .where(() => prefixLookupSql(text, lookup, { table: 'companies', workspaceId }))
          .limit(request.limit)
          .execute(),
      ),
    );
    const byId = new Map<string, CompanyMatch>();
    for (const company of (await Promise.all(probes)).flat()) {
      byId.set(company.company_id, {
        id: company.company_id,
        title: company.name,
        subtitle: company.domain,
        texts: [company.name, ...(company.domain ? [company.domain] : [])],
      });
    }
    return [...byId.values()];
  };
}
