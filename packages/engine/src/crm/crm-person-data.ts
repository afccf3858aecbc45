import { type Kysely, sql } from 'kysely';
import {
  emailAddressesOf,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
  withoutPersonsValues,
} from '../person-data/index.js';
import { type Database, fromJson, type Store, textContains, toJson } from '../store/index.js';

/** CRM records whose custom fields may hold a relation to a person, with their key column. */
const RELATION_HOLDERS = [
  ['crm_companies', 'company_id'],
  ['crm_deals', 'deal_id'],
  ['crm_people', 'profile_id'],
] as const;
const RECORD_NAMES = { crm_companies: 'company', crm_deals: 'deal', crm_people: 'person' } as const;

/**
 * The CRM's share of a person: their CRM record, the activities and tasks about them, the deals
 * they are on and the audit trail of it all. Deals themselves stay (they are the company's); the
 * person's link to them goes. Audit entries are found by profile and by any entry whose before /
 * after names one of the person's ids or addresses (a deal's people list, a ticket's requester).
 */
export class CrmPersonData implements PersonDataHolder {
  readonly domain = 'crm';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const { db } = this.store;
    const ids = [...person.profileIds];
    if (ids.length === 0) return { records: [], activities: [], tasks: [], deals: [], auditTrail: [] };
    const [records, activities, tasks, deals, audit] = await Promise.all([
      db
        .selectFrom('crm_people')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', 'in', ids)
        .execute(),
      db
        .selectFrom('crm_activities')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', 'in', ids)
        .orderBy('occurred_at')
        .execute(),
      db
        .selectFrom('crm_tasks')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', 'in', ids)
        .orderBy('due_at')
        .execute(),
      db
        .selectFrom('crm_deal_people as link')
        .innerJoin('crm_deals as deal', (join) =>
          join
            .onRef('deal.workspace_id', '=', 'link.workspace_id')
            .onRef('deal.deal_id', '=', 'link.deal_id'),
        )
        .select([
          'deal.deal_id',
          'deal.name',
          'deal.amount',
          'deal.currency',
          'deal.status',
          'deal.close_date',
          'link.role',
          'link.added_at',
        ])
        .where('link.workspace_id', '=', person.workspaceId)
        .where('link.profile_id', 'in', ids)
        .execute(),
      this.auditOf(db, person).selectAll().orderBy('at').execute(),
    ]);
    const related = await this.recordsRelatedTo(person);
    return {
      relatedRecords: related.map((r) => ({ record: RECORD_NAMES[r.table], id: r.id, asFields: r.fields })),
      records: records.map((r) => ({
        profileId: r.profile_id,
        ownerId: r.owner_id,
        lifecycleStage: r.lifecycle_stage,
        leadStatus: r.lead_status,
        tags: fromJson<unknown>(r.tags),
        fields: fromJson<unknown>(r.fields),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
      activities: activities.map((a) => ({
        id: a.activity_id,
        kind: a.kind,
        body: a.body,
        companyId: a.company_id,
        dealId: a.deal_id,
        loggedBy: a.actor_id,
        occurredAt: a.occurred_at,
      })),
      tasks: tasks.map((t) => ({
        id: t.task_id,
        title: t.title,
        notes: t.notes,
        status: t.status,
        priority: t.priority,
        dueAt: t.due_at,
        assigneeId: t.assignee_id,
        completedAt: t.completed_at,
        createdAt: t.created_at,
      })),
      deals: deals.map((d) => ({
        id: d.deal_id,
        name: d.name,
        amount: d.amount,
        currency: d.currency,
        status: d.status,
        closeDate: d.close_date,
        role: d.role,
        addedAt: d.added_at,
      })),
      auditTrail: audit.map((entry) => ({
        entityType: entry.entity_type,
        entityId: entry.entity_id,
        action: entry.action,
        actorId: entry.actor_id,
        at: entry.at,
        before: entry.before === null ? null : fromJson<unknown>(entry.before),
        after: entry.after === null ? null : fromJson<unknown>(entry.after),
      })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    const ids = [...person.profileIds];
    if (ids.length > 0) {
      // One set-based statement per table, each its own short transaction (SQLite has one writer).
      for (const table of ['crm_activities', 'crm_tasks', 'crm_deal_people', 'crm_people'] as const) {
        tally.add(
          table,
          await db
            .deleteFrom(table)
            .where('workspace_id', '=', person.workspaceId)
            .where('profile_id', 'in', ids)
            .executeTakeFirst(),
        );
      }
    }
    await this.unlinkRelations(person, tally);
    // Audit entries are found by a scan of their text, then removed by key in chunks.
    const auditIds = (await this.auditOf(db, person).select('audit_id').execute()).map((r) => r.audit_id);
    await tally.inChunks(['crm_audit'], auditIds, (_, chunk) =>
      db
        .deleteFrom('crm_audit')
        .where('workspace_id', '=', person.workspaceId)
        .where('audit_id', 'in', chunk)
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /**
   * Clears relation fields pointing at the person on other records: a company's contact, a
   * deal's champion, another person's assistant. Rows are found by a scan of their fields' text.
   */
  private async unlinkRelations(person: PersonRef, tally: PersonDataTally): Promise<void> {
    for (const [table] of RELATION_HOLDERS) tally.add(`${table}.fields`, 0);
    for (const record of await this.recordsRelatedTo(person)) {
      await this.store.db
        .updateTable(record.table)
        .set({ fields: toJson(record.fieldsWithout) })
        .where('workspace_id', '=', person.workspaceId)
        .where(sql.ref(record.key), '=', record.id)
        .execute();
      tally.add(`${record.table}.fields`, 1);
    }
  }

  /** Other records whose relation fields point at the person, and their fields without them. */
  private async recordsRelatedTo(person: PersonRef) {
    const { db, kind } = this.store;
    const related = [];
    if (person.profileIds.length === 0) return [];
    for (const [table, key] of RELATION_HOLDERS) {
      // A scan of the fields' text finds candidates; parsing them decides.
      const records = await db
        .selectFrom(table)
        .select([sql<string>`${sql.ref(key)}`.as('id'), 'fields'])
        .where('workspace_id', '=', person.workspaceId)
        .where((eb) => eb.or(person.profileIds.map((id) => textContains(kind, sql.ref('fields'), id))))
        .execute();
      for (const record of records) {
        const fields = fromJson<Record<string, unknown>>(record.fields);
        const fieldsWithout = withoutPersonsValues(fields, person);
        if (fieldsWithout === undefined) continue;
        const pointing = Object.keys(fields).filter((field) => !(field in fieldsWithout));
        related.push({ table, key, id: record.id, fields: pointing, fieldsWithout });
      }
    }
    return related;
  }

  /** The audit entries about the person: by profile, by entity, or naming them in before / after. */
  private auditOf(db: Kysely<Database>, person: PersonRef) {
    // Profile ids and addresses are distinctive enough to find in text; a short user id is not.
    const addresses = person.identifiers.filter((i) => i.type === 'email').map((i) => i.value);
    const needles = [...new Set([...person.profileIds, ...addresses, ...emailAddressesOf(person)])];
    const kind = this.store.kind;
    return db
      .selectFrom('crm_audit')
      .where('workspace_id', '=', person.workspaceId)
      .where((eb) =>
        eb.or([
          ...(person.profileIds.length === 0
            ? []
            : [
                eb('profile_id', 'in', [...person.profileIds]),
                eb('entity_id', 'in', [...person.profileIds]),
              ]),
          ...needles.flatMap((needle) => [
            textContains(kind, sql.ref('before'), needle),
            textContains(kind, sql.ref('after'), needle),
          ]),
        ]),
      );
  }
}
