import type { ViewFilter } from '@tandem/contract';
import { sql } from 'kysely';
import type { PersonCell, PersonCondition } from '../../profiles/index.js';
import { fromJson, type Store } from '../../store/index.js';

/** The columns of the contacts list the CRM keeps; any other column is a trait. */
export const CRM_PERSON_COLUMNS = ['owner_id', 'lifecycle_stage', 'lead_status', 'tags'] as const;
type CrmColumn = (typeof CRM_PERSON_COLUMNS)[number];

export const isCrmPersonColumn = (field: string): field is CrmColumn =>
  (CRM_PERSON_COLUMNS as readonly string[]).includes(field);

/** The list's CRM criteria (all must hold), as conditions on the person for `peoplePage`. */
export function crmPersonConditions(
  workspaceId: string,
  criteria: {
    ownerId?: string | undefined;
    lifecycleStage?: string | undefined;
    leadStatus?: string | undefined;
    tag?: string | undefined;
  },
): PersonCondition[] {
  const conditions: PersonCondition[] = [];
  const record =
    (column: 'owner_id' | 'lifecycle_stage' | 'lead_status', value: string): PersonCondition =>
    (eb) =>
      eb.exists(
        eb
          .selectFrom('crm_people as c')
          .select(sql<number>`1`.as('one'))
          .where('c.workspace_id', '=', workspaceId)
          .whereRef('c.profile_id', '=', 'p.profile_id')
          .where(`c.${column}`, '=', value),
      );
  if (criteria.ownerId !== undefined) conditions.push(record('owner_id', criteria.ownerId));
  if (criteria.lifecycleStage !== undefined)
    conditions.push(record('lifecycle_stage', criteria.lifecycleStage));
  if (criteria.leadStatus !== undefined) conditions.push(record('lead_status', criteria.leadStatus));
  const tag = criteria.tag;
  if (tag !== undefined) {
    conditions.push((eb) =>
      eb.exists(
        eb
          .selectFrom('crm_people as c')
          .select(sql<number>`1`.as('one'))
          .where('c.workspace_id', '=', workspaceId)
          .whereRef('c.profile_id', '=', 'p.profile_id')
          .where('c.tags', 'like', `%${JSON.stringify(tag)}%`),
      ),
    );
  }
  return conditions;
}

/**
 * A view's filters split: those on CRM columns (`equals`; `contains` for a tag) as conditions,
 * the rest (traits) left for `peopleRows`.
 */
export function splitPersonFilters(
  workspaceId: string,
  filters: readonly ViewFilter[],
): { traitFilters: ViewFilter[]; conditions: PersonCondition[] } {
  const traitFilters: ViewFilter[] = [];
  const conditions: PersonCondition[] = [];
  for (const filter of filters) {
    if (!isCrmPersonColumn(filter.field) || typeof filter.value !== 'string') {
      traitFilters.push(filter);
      continue;
    }
    const value = filter.value;
    const key = (
      {
        owner_id: 'ownerId',
        lifecycle_stage: 'lifecycleStage',
        lead_status: 'leadStatus',
        tags: 'tag',
      } as const
    )[filter.field];
    conditions.push(...crmPersonConditions(workspaceId, { [key]: value }));
  }
  return { traitFilters, conditions };
}

/** The CRM columns of these people (only those with a CRM record), for `peopleRows`. */
export async function crmPersonCells(
  store: Store,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, Record<string, PersonCell>>> {
  const cells = new Map<string, Record<string, PersonCell>>();
  if (profileIds.length === 0) return cells;
  const rows = await store.db
    .selectFrom('crm_people')
    .select(['profile_id', 'owner_id', 'lifecycle_stage', 'lead_status', 'tags'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', profileIds)
    .execute();
  for (const row of rows) {
    cells.set(row.profile_id, {
      owner_id: row.owner_id,
      lifecycle_stage: row.lifecycle_stage,
      lead_status: row.lead_status,
      tags: fromJson<string[]>(row.tags).join(', '),
    });
  }
  return cells;
}
