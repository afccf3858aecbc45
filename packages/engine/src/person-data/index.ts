// The contract between privacy/ and every domain that holds personal data. Each such domain
// exports a PersonDataHolder from its own index; engine.ts hands them all to privacy/, which
// erases, anonymizes or exports a person by asking each holder in turn. This folder imports nothing.

/** An identifier a person was known by (`user_id`, `anonymous_id`, `email`, …). */
export interface PersonIdentifier {
  readonly type: string;
  readonly value: string;
}

/** One person, as identity resolution knows them, in one workspace. */
export interface PersonRef {
  readonly workspaceId: string;
  /** The profile and every profile ever merged into it (still stored or not). */
  readonly profileIds: readonly string[];
  /** Every identifier ever linked to those profiles, anonymous ids included. */
  readonly identifiers: readonly PersonIdentifier[];
}

/** What a holder removed or altered, by kind of record (`events: 1200`, `crm_activities: 4`). */
export type PersonDataCounts = Record<string, number>;

/** A domain's share of a person's data: found by profile or by identifier, exported, erased. */
export interface PersonDataHolder {
  /** The domain, as privacy reports name it (`events`, `crm`, `service_desk`, `email`, …). */
  readonly domain: string;
  /** Everything this domain holds about the person, JSON-ready (records, not internals). */
  exportPerson(person: PersonRef): Promise<unknown>;
  /** Removes everything this domain holds about the person; idempotent. */
  erasePerson(person: PersonRef): Promise<PersonDataCounts>;
  /**
   * Removes personal fields but keeps what analytics count, re-keyed to `anonymousProfileId`.
   * Holders without anything countable erase instead (the default when omitted).
   */
  anonymizePerson?(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts>;
}

export {
  countPerChunk,
  emailAddressesOf,
  identifierValues,
  isPersonsRow,
  PERSON_CHUNK,
  PersonDataTally,
  personChunks,
  rowsTouched,
  withoutPersonsValues,
} from './person-rows.js';
