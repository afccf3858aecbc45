import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { PersonDataHolder, PersonRef } from '../person-data/index.js';
import { type Database, toJson, unindexedWorkspaceId } from '../store/index.js';
import { eventsBySeq } from './log-cursor.js';

/** What the log needs from identity (wired by engine.ts: identity reads the log, not the reverse). */
export interface LogPersonDataDeps {
  /** The seqs of the events identity attributed to these profiles. */
  eventSeqsOfProfiles(workspaceId: string, profileIds: readonly string[]): Promise<number[]>;
  /** A seq up to which identity has seen the log: later events may not be attributed yet. */
  attributedThrough(workspaceId: string): Promise<number>;
}

// Rows per delete or update statement, each its own short transaction, the event loop let go
// between them: ingestion's requests and group commits go on while a person is erased.
const CHUNK = 250;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const REJECTIONS_PAGE = 1000;

/**
 * The log's share of a person: their events (found through identity by profile, and by userId /
 * anonymousId for events identity has not attributed yet) and their rejected calls.
 */
export function logPersonData(db: Kysely<Database>, deps: LogPersonDataDeps): PersonDataHolder {
  const seqsOf = async (person: PersonRef) => {
    const seqs = new Set(await deps.eventSeqsOfProfiles(person.workspaceId, person.profileIds));
    const after = await deps.attributedThrough(person.workspaceId);
    for (const seq of await unattributedSeqsOf(db, person, after)) seqs.add(seq);
    return [...seqs].sort((a, b) => a - b);
  };
  return {
    domain: 'events',

    async exportPerson(person) {
      const events = await eventsBySeq(db, person.workspaceId, await seqsOf(person));
      const rejections = await rejectionsOf(db, person);
      return {
        events: events.map(({ seq: _seq, ...event }) => event),
        rejectedCalls: rejections.map((rejection) => ({
          code: rejection.code,
          message: rejection.message,
          receivedAt: rejection.received_at,
          payload: JSON.parse(rejection.payload) as unknown,
        })),
      };
    },

    async erasePerson(person) {
      const seqs = await seqsOf(person);
      let events = 0;
      for (let start = 0; start < seqs.length; start += CHUNK) {
        const deleted = await db
          .deleteFrom('events')
          .where('seq', 'in', seqs.slice(start, start + CHUNK))
          .where(unindexedWorkspaceId, '=', person.workspaceId)
          .executeTakeFirst();
        events += Number(deleted.numDeletedRows);
        await yieldToEventLoop();
      }
      return { events, rejections: await eraseRejections(db, person) };
    },

    async anonymizePerson(person, anonymousProfileId) {
      const seqs = await seqsOf(person);
      const values = identifierValues(person);
      let events = 0;
      for (let start = 0; start < seqs.length; start += CHUNK) {
        const chunk = await eventsBySeq(db, person.workspaceId, seqs.slice(start, start + CHUNK));
        await db.transaction().execute(async (trx) => {
          for (const event of chunk) {
            await trx
              .updateTable('events')
              .set({
                user_id: null,
                anonymous_id: anonymousProfileId,
                payload: toJson(anonymousPayload(event, anonymousProfileId, values)),
              })
              .where('seq', '=', event.seq)
              .where(unindexedWorkspaceId, '=', person.workspaceId)
              .execute();
          }
        });
        events += chunk.length;
        await yieldToEventLoop();
      }
      return { events_anonymized: events, rejections: await eraseRejections(db, person) };
    },
  };
}

/** Events after `after` (identity may not have attributed them yet) carrying the person's userId or anonymousId. */
async function unattributedSeqsOf(db: Kysely<Database>, person: PersonRef, after: number): Promise<number[]> {
  const userIds = person.identifiers.filter((i) => i.type === 'user_id').map((i) => i.value);
  const anonymousIds = person.identifiers.filter((i) => i.type === 'anonymous_id').map((i) => i.value);
  if (userIds.length + anonymousIds.length === 0) return [];
  const seqs: number[] = [];
  for (let start = 0; start < Math.max(userIds.length, anonymousIds.length); start += CHUNK) {
    const users = userIds.slice(start, start + CHUNK);
    const visitors = anonymousIds.slice(start, start + CHUNK);
    const rows = await db
      .selectFrom('events')
      .select('seq')
      .where('seq', '>', after)
      .where('workspace_id', '=', person.workspaceId)
      .where((eb) =>
        eb.or([
          ...(users.length > 0 ? [eb('user_id', 'in', users)] : []),
          ...(visitors.length > 0 ? [eb('anonymous_id', 'in', visitors)] : []),
        ]),
      )
      .execute();
    for (const row of rows) seqs.push(Number(row.seq));
  }
  return seqs;
}

function identifierValues(person: PersonRef): string[] {
  return [...new Set(person.identifiers.map((identifier) => identifier.value))].filter((v) => v.length > 0);
}

/** The workspace's kept rejected calls whose payload names one of the person's identifiers. */
async function rejectionsOf(db: Kysely<Database>, person: PersonRef) {
  const values = identifierValues(person);
  const found = [];
  if (values.length === 0) return [];
  for (let after = 0; ; ) {
    const page = await db
      .selectFrom('rejections')
      .select(['seq', 'code', 'message', 'payload', 'received_at'])
      .where('workspace_id', '=', person.workspaceId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(REJECTIONS_PAGE)
      .execute();
    for (const rejection of page) if (mentionsAny(rejection.payload, values)) found.push(rejection);
    const last = page.at(-1);
    if (!last || page.length < REJECTIONS_PAGE) return found;
    after = Number(last.seq);
  }
}

async function eraseRejections(db: Kysely<Database>, person: PersonRef): Promise<number> {
  const seqs = (await rejectionsOf(db, person)).map((rejection) => Number(rejection.seq));
  let erased = 0;
  for (let start = 0; start < seqs.length; start += CHUNK) {
    const deleted = await db
      .deleteFrom('rejections')
      .where(unindexedWorkspaceId, '=', person.workspaceId)
      .where('seq', 'in', seqs.slice(start, start + CHUNK))
      .executeTakeFirst();
    erased += Number(deleted.numDeletedRows);
  }
  return erased;
}

/** Whether JSON text holds one of the values (as stored: JSON-escaped, so compare escaped forms too). */
function mentionsAny(text: string, values: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return values.some((value) => {
    const escaped = JSON.stringify(value).slice(1, -1).toLowerCase();
    return lower.includes(value.toLowerCase()) || lower.includes(escaped);
  });
}

// Members of a call that say who the person is or where they are; analytics keep the rest.
const PERSONAL_CONTEXT = ['traits', 'ip', 'device', 'externalIds', 'location', 'userAgent', 'userAgentData'];

/** The event with who-it-was removed: re-keyed to the anonymous id, properties naming the person dropped. */
function anonymousPayload(event: StoredEvent, anonymousId: string, values: readonly string[]) {
  const {
    userId: _userId,
    traits: _traits,
    previousId: _previousId,
    context,
    properties,
    ...rest
  } = event.payload as Record<string, unknown>;
  const keptContext = Object.fromEntries(
    Object.entries(isObject(context) ? context : {}).filter(([key]) => !PERSONAL_CONTEXT.includes(key)),
  );
  const keptProperties = Object.fromEntries(
    Object.entries(isObject(properties) ? properties : {}).filter(
      ([, value]) => !mentionsAny(JSON.stringify(value) ?? '', values),
    ),
  );
  return { ...rest, anonymousId, context: keptContext, properties: keptProperties };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
