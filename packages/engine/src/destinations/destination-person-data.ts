import type { DestinationType } from '@tandem/contract';
import type { ExpressionBuilder } from 'kysely';
import { newId } from '../ids/index.js';
import {
  countPerChunk,
  identifierValues,
  PERSON_CHUNK,
  type PersonDataCounts,
  type PersonDataHolder,
  type PersonRef,
  personChunks,
} from '../person-data/index.js';
import { type Database, fromJson, nowIso, type Store } from '../store/index.js';
import { storedDestinationOf } from './destination-rows.js';
import type { DestinationsService } from './destinations-service.js';
import type { SecretBox } from './secret-box.js';

// destinations/' share of a person: the delivery log (outbox, dead letters and delivered ones,
// with their payloads) and the trait values last delivered on. Erasing also tells each
// destination that received the person to delete them, through its own transport, and keeps what
// it answered (with a keyed hash of the person, never their ids).

/** Destination types whose transport carries a deletion notice (a webhook POST, a bus message, warehouse deletes). */
const NOTICE_TYPES: ReadonlySet<DestinationType> = new Set([
  'webhook',
  'nats',
  'amqp',
  'redis-stream',
  'warehouse',
]);

/** Deliveries still to be sent (retried when failed): an anonymized person's are not sent. */
const OUTSTANDING = ['pending', 'failed'];

/** Runs `step` (one slice's statement) until it touches no row; answers the rows touched. */
async function sliceBySlice(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let touched = await step(); touched > 0; touched = await step()) total += touched;
  return total;
}

/** One deletion notice and the destination's answer, as privacy reports show it. */
export interface DeletionNotice {
  readonly noticeId: string;
  readonly destinationId: string;
  readonly status: 'confirmed' | 'failed' | 'not_supported';
  readonly answer: string;
  readonly sentAt: string;
  readonly answeredAt: string | null;
}

export interface DestinationPersonDataDeps {
  readonly store: Store;
  readonly destinations: DestinationsService;
  readonly secrets: SecretBox;
  readonly clock: () => number;
}

/** The keyed hash deletion notices are filed under: the same for the same person, opaque without the key. */
export function personKeyOf(secrets: SecretBox, person: PersonRef): string {
  return secrets.keyedHash(
    `${person.workspaceId}\u0000${[...person.profileIds].sort().join(',')}`,
    'person-key',
  );
}

export function destinationPersonData(deps: DestinationPersonDataDeps): PersonDataHolder & {
  deletionNotices(person: PersonRef): Promise<DeletionNotice[]>;
} {
  const { store } = deps;

  /**
   * The destinations that may hold the person: those with deliveries of them, and every warehouse
   * (a full sync writes every profile, and the delivery log's retention forgets old deliveries).
   * One that already confirmed this person's deletion is not asked again.
   */
  const receivers = async (person: PersonRef, personKey: string): Promise<string[]> => {
    const ids = new Set<string>();
    for (const profileIds of personChunks(person.profileIds)) {
      const rows = await store.db
        .selectFrom('deliveries')
        .select('destination_id')
        .distinct()
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', 'in', profileIds)
        .execute();
      for (const row of rows) ids.add(row.destination_id);
    }
    const warehouses = await store.db
      .selectFrom('destinations')
      .select('destination_id')
      .where('workspace_id', '=', person.workspaceId)
      .where('type', '=', 'warehouse')
      .execute();
    for (const row of warehouses) ids.add(row.destination_id);
    const confirmed = await store.db
      .selectFrom('destination_deletion_notices')
      .select('destination_id')
      .where('workspace_id', '=', person.workspaceId)
      .where('person_key', '=', personKey)
      .where('status', '=', 'confirmed')
      .execute();
    for (const row of confirmed) ids.delete(row.destination_id);
    return [...ids].sort();
  };

  /** Sends one notice to each destination, records each answer; counts them by status. */
  const notify = async (person: PersonRef): Promise<PersonDataCounts> => {
    const counts: PersonDataCounts = {};
    const personKey = personKeyOf(deps.secrets, person);
    const destinationIds = await receivers(person, personKey);
    if (destinationIds.length === 0) return counts;
    const body = {
      type: 'delete',
      userId: identifierValues(person, 'user_id')[0] ?? null,
      anonymousIds: identifierValues(person, 'anonymous_id'),
      profileIds: person.profileIds,
    };
    const rows = await store.db
      .selectFrom('destinations')
      .selectAll()
      .where('workspace_id', '=', person.workspaceId)
      .where('destination_id', 'in', destinationIds)
      .execute();
    for (const stored of rows.map(storedDestinationOf)) {
      const noticeId = newId('deletionNotice');
      const sentAt = nowIso(deps.clock);
      let status: DeletionNotice['status'] = 'not_supported';
      let answer = `A ${stored.type} destination takes no deletion notice: delete the person there by hand`;
      if (NOTICE_TYPES.has(stored.type)) {
        const outcome = await deps.destinations.sendOnce(stored, {
          deliveryId: noticeId,
          workspaceId: person.workspaceId,
          destinationId: stored.id,
          profileId: person.profileIds[0] ?? '',
          type: 'delete',
          occurredAt: sentAt,
          body,
          attempt: 1,
        });
        status = outcome.ok ? 'confirmed' : 'failed';
        answer = outcome.ok
          ? outcome.status === undefined
            ? 'accepted'
            : `accepted (${outcome.status})`
          : outcome.error;
      }
      await store.db
        .insertInto('destination_deletion_notices')
        .values({
          workspace_id: person.workspaceId,
          notice_id: noticeId,
          destination_id: stored.id,
          person_key: personKey,
          status,
          answer,
          sent_at: sentAt,
          answered_at: status === 'not_supported' ? null : nowIso(deps.clock),
        })
        .execute();
      counts[`deletion_notices_${status}`] = (counts[`deletion_notices_${status}`] ?? 0) + 1;
    }
    return counts;
  };

  /** The delivery ids of some of the person's profiles, a slice of them (a subquery). */
  /** Some of the person's deliveries (of these statuses, or any), a slice of them: a subquery. */
  const deliverySlice =
    (workspaceId: string, profileIds: readonly string[], statuses?: readonly string[]) =>
    (eb: ExpressionBuilder<Database, 'deliveries'>) => {
      let slice = eb
        .selectFrom('deliveries')
        .select('delivery_id')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds);
      if (statuses) slice = slice.where('status', 'in', statuses);
      return slice.limit(PERSON_CHUNK);
    };

  /**
   * Deletes the person's deliveries (of these statuses) a slice at a time: a person may have a
   * hundred thousand, and each statement stays short.
   */
  const deleteDeliveries = (person: PersonRef, profileIds: readonly string[], statuses?: readonly string[]) =>
    sliceBySlice(async () => {
      const result = await store.db
        .deleteFrom('deliveries')
        .where('workspace_id', '=', person.workspaceId)
        .where('delivery_id', 'in', deliverySlice(person.workspaceId, profileIds, statuses))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });

  const deleteTraitValues = async (person: PersonRef, profileIds: readonly string[]) =>
    Number(
      (
        await store.db
          .deleteFrom('delivery_trait_values')
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .executeTakeFirst()
      ).numDeletedRows,
    );

  return {
    domain: 'destinations',

    async exportPerson(person) {
      const deliveries: unknown[] = [];
      const deliveredTraitValues: unknown[] = [];
      for (const profileIds of personChunks(person.profileIds)) {
        const rows = await store.db
          .selectFrom('deliveries as d')
          // A destination deleted since: its deliveries are still the person's.
          .leftJoin('destinations as t', (join) =>
            join
              .onRef('t.workspace_id', '=', 'd.workspace_id')
              .onRef('t.destination_id', '=', 'd.destination_id'),
          )
          .select([
            'd.destination_id',
            't.name',
            'd.type',
            'd.status',
            'd.body',
            'd.occurred_at',
            'd.delivered_at',
          ])
          .where('d.workspace_id', '=', person.workspaceId)
          .where('d.profile_id', 'in', profileIds)
          .orderBy('d.occurred_at')
          .execute();
        for (const row of rows)
          deliveries.push({
            destinationId: row.destination_id,
            destination: row.name,
            type: row.type,
            status: row.status,
            occurredAt: row.occurred_at,
            deliveredAt: row.delivered_at,
            payload: fromJson(row.body),
          });
        const values = await store.db
          .selectFrom('delivery_trait_values')
          .select(['profile_id', 'trait_id', 'value'])
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .execute();
        for (const row of values)
          deliveredTraitValues.push({
            profileId: row.profile_id,
            traitId: row.trait_id,
            value: fromJson(row.value),
          });
      }
      return { deliveries, deliveredTraitValues };
    },

    async erasePerson(person) {
      // Notices first: what was sent where is known only while the deliveries are there.
      const notices = await notify(person);
      const removed = await countPerChunk(person.profileIds, async (profileIds) => ({
        deliveries: await deleteDeliveries(person, profileIds),
        delivery_trait_values: await deleteTraitValues(person, profileIds),
      }));
      return { ...removed, ...notices };
    },

    // The delivery log keeps its counts per destination; what was sent about the person goes,
    // and what was still to be sent is not sent.
    anonymizePerson: (person, anonymousProfileId) =>
      countPerChunk(person.profileIds, async (profileIds) => ({
        deliveries: await deleteDeliveries(person, profileIds, OUTSTANDING),
        deliveries_rekeyed: await sliceBySlice(async () => {
          const result = await store.db
            .updateTable('deliveries')
            .set({ profile_id: anonymousProfileId, body: '{}', mapping: null, last_error: null })
            .where('workspace_id', '=', person.workspaceId)
            .where('delivery_id', 'in', deliverySlice(person.workspaceId, profileIds))
            .executeTakeFirst();
          return Number(result.numUpdatedRows);
        }),
        delivery_trait_values: await deleteTraitValues(person, profileIds),
      })),

    async deletionNotices(person) {
      const rows = await store.db
        .selectFrom('destination_deletion_notices')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where('person_key', '=', personKeyOf(deps.secrets, person))
        .orderBy('sent_at')
        .execute();
      return rows.map((row) => ({
        noticeId: row.notice_id,
        destinationId: row.destination_id,
        status: row.status as DeletionNotice['status'],
        answer: row.answer,
        sentAt: row.sent_at,
        answeredAt: row.answered_at,
      }));
    },
  };
}
