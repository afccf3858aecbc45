import { createHash, randomBytes } from 'node:crypto';
import type { PrivacyIdentifier, PrivacyReport, PrivacyRequestType } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { personOfProfile, profileOfIdentifier } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { logHeadSeq } from '../log/index.js';
import type { PersonDataCounts, PersonDataHolder, PersonRef } from '../person-data/index.js';
import { type Database, nowIso, type Store, vacuumTables } from '../store/index.js';
import { type IdentifierKeys, identifierHash } from './identifier-keys.js';
import { exportCounts, exportPerson, exportSummaryHtml } from './person-export.js';
import type { SuppressionAdmission } from './suppression-admission.js';

/** What running requests needs from the rest of the engine. */
export interface RequestRunnerDeps {
  readonly store: Store;
  readonly db: Kysely<Database>;
  readonly keys: IdentifierKeys;
  readonly admission: SuppressionAdmission;
  /** Every domain's person data, in the order a deletion removes it. */
  readonly holders: () => readonly PersonDataHolder[];
  /** Resolves once every pipeline stage consumed the log up to `headSeq`. */
  readonly pipelinePassed: (headSeq: number) => Promise<void>;
  /** Where an export's download lives (`/api/v1/privacy/exports/<token>`). */
  readonly downloadPath: (token: string) => string;
  readonly exportTtlMs: number;
  readonly clock: () => number;
}

/** One request to run: its type and its person's identifier (opened from its sealed form). */
export interface RequestToRun {
  readonly workspaceId: string;
  readonly requestId: string;
  readonly type: PrivacyRequestType;
  readonly identifier: PrivacyIdentifier;
  readonly identifierHash: string;
}

// Tables a deletion changes outside the holders' own counts (vacuumed on PostgreSQL).
const PRIVACY_TABLES = ['privacy_exports', 'events', 'rejections'];

/** Runs privacy requests: resolves the person, then asks every holder in turn. */
export class RequestRunner {
  constructor(private readonly deps: RequestRunnerDeps) {}

  async run(request: RequestToRun): Promise<PrivacyReport> {
    switch (request.type) {
      case 'delete':
        return this.erase(request);
      case 'suppress':
        return this.suppress(request, await this.personOf(request));
      case 'suppress_and_delete': {
        const suppressed = await this.suppress(request, await this.personOf(request));
        const erased = await this.erase(request);
        return { ...erased, domains: { ...erased.domains, ...suppressed.domains } };
      }
      case 'unsuppress':
        return this.unsuppress(request);
      case 'export':
        return this.export(request);
      case 'anonymize':
        return this.anonymize(request);
      default: {
        const unknown: never = request.type;
        throw new Error(`unknown privacy request type ${String(unknown)}`);
      }
    }
  }

  /**
   * The person the identifier names, once the pipeline has attributed every event logged before
   * now. An unknown person is still their identifier: events not attributed yet carry it.
   */
  private async personOf(request: RequestToRun): Promise<PersonRef & { found: boolean }> {
    await this.deps.pipelinePassed(await logHeadSeq(this.deps.db));
    const { workspaceId, identifier } = request;
    const profileId = await profileOfIdentifier(this.deps.db, workspaceId, identifier);
    if (profileId === null) {
      const identifiers = identifier.type === 'profile_id' ? [] : [identifier];
      const profileIds = identifier.type === 'profile_id' ? [identifier.value] : [];
      return { workspaceId, profileIds, identifiers, found: false };
    }
    const person = await personOfProfile(this.deps.db, workspaceId, profileId);
    return { ...person, found: true };
  }

  /**
   * Erases the person in every holder, then waits until the pipeline passed the log's head of
   * that moment (a batch in flight may have re-created rows from events read before) and
   * erases again, everyone the identifiers still reach: deletion is idempotent.
   */
  private async erase(request: RequestToRun): Promise<PrivacyReport> {
    const person = await this.personOf(request);
    const domains: Record<string, PersonDataCounts> = {};
    await this.eraseEverywhere(person, domains);
    await this.deps.pipelinePassed(await logHeadSeq(this.deps.db));
    await this.eraseEverywhere(await this.reachedAgain(person), domains);
    const tables = [...PRIVACY_TABLES, ...Object.values(domains).flatMap((counts) => Object.keys(counts))];
    await vacuumTables(this.deps.store, tables);
    return { domains, personFound: person.found };
  }

  private async eraseEverywhere(person: PersonRef, domains: Record<string, PersonDataCounts>) {
    for (const holder of this.deps.holders())
      addCounts(domains, holder.domain, await holder.erasePerson(person));
    addCounts(domains, 'privacy', { exports: await this.eraseExports(person) });
  }

  /** The person again: their identifiers may have been re-linked to a profile since. */
  private async reachedAgain(person: PersonRef): Promise<PersonRef> {
    const profileIds = new Set(person.profileIds);
    const identifiers = new Map(person.identifiers.map((i) => [`${i.type}\u0000${i.value}`, i]));
    for (const identifier of person.identifiers) {
      const profileId = await profileOfIdentifier(this.deps.db, person.workspaceId, identifier);
      if (profileId === null || profileIds.has(profileId)) continue;
      const more = await personOfProfile(this.deps.db, person.workspaceId, profileId);
      for (const id of more.profileIds) profileIds.add(id);
      for (const i of more.identifiers) identifiers.set(`${i.type}\u0000${i.value}`, i);
    }
    return {
      workspaceId: person.workspaceId,
      profileIds: [...profileIds],
      identifiers: [...identifiers.values()],
    };
  }

  private async eraseExports(person: PersonRef): Promise<number> {
    if (person.profileIds.length === 0) return 0;
    const deleted = await this.deps.db
      .deleteFrom('privacy_exports')
      .where('workspace_id', '=', person.workspaceId)
      .where('profile_id', 'in', person.profileIds)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Suppresses every identifier the person was ever known by (the named one already is). */
  private async suppress(
    request: RequestToRun,
    person: PersonRef & { found: boolean },
  ): Promise<PrivacyReport> {
    const { workspaceId, requestId } = request;
    const key = await this.deps.keys.keyOf(workspaceId);
    const now = nowIso();
    const rows = [
      { hash: request.identifierHash, type: request.identifier.type },
      ...person.identifiers.map((identifier) => ({
        hash: identifierHash(key, identifier),
        type: identifier.type,
      })),
    ];
    const unique = [...new Map(rows.map((row) => [row.hash, row])).values()];
    await this.deps.db
      .insertInto('privacy_suppressions')
      .values(
        unique.map((row) => ({
          workspace_id: workspaceId,
          identifier_hash: row.hash,
          identifier_type: row.type,
          request_id: requestId,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['workspace_id', 'identifier_hash']).doNothing())
      .execute();
    await this.deps.admission.reload(workspaceId);
    return { domains: { privacy: { suppressed_identifiers: unique.length } }, personFound: person.found };
  }

  /** Lifts the identifier's suppression and every one its suppress requests added. */
  private async unsuppress(request: RequestToRun): Promise<PrivacyReport> {
    const { workspaceId } = request;
    const suppressing = await this.deps.db
      .selectFrom('privacy_requests')
      .select('request_id')
      .where('workspace_id', '=', workspaceId)
      .where('identifier_hash', '=', request.identifierHash)
      .where('type', 'in', ['suppress', 'suppress_and_delete'])
      .execute();
    const requestIds = suppressing.map((row) => row.request_id);
    const lifted = await this.deps.db
      .deleteFrom('privacy_suppressions')
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        eb.or([
          eb('identifier_hash', '=', request.identifierHash),
          ...(requestIds.length > 0 ? [eb('request_id', 'in', requestIds)] : []),
        ]),
      )
      .executeTakeFirst();
    await this.deps.admission.reload(workspaceId);
    return { domains: { privacy: { unsuppressed_identifiers: Number(lifted.numDeletedRows) } } };
  }

  /** One JSON document of every holder's share, and its HTML summary, downloadable for a while. */
  private async export(request: RequestToRun): Promise<PrivacyReport> {
    const person = await this.personOf(request);
    const now = this.deps.clock();
    const document = await exportPerson(this.deps.holders(), person, new Date(now).toISOString());
    const expiresAt = new Date(now + this.deps.exportTtlMs).toISOString();
    const token = randomBytes(32).toString('base64url');
    await this.deps.db
      .insertInto('privacy_exports')
      .values({
        workspace_id: request.workspaceId,
        request_id: request.requestId,
        // Reachable from the person, so that deleting them deletes it.
        profile_id: person.profileIds[0] ?? `unknown:${request.requestId}`,
        token_hash: downloadTokenHash(token),
        document: JSON.stringify(document),
        summary_html: exportSummaryHtml(document),
        created_at: new Date(now).toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    return {
      domains: exportCounts(document),
      personFound: person.found,
      downloadUrl: this.deps.downloadPath(token),
      expiresAt,
    };
  }

  /** Personal data removed, counts kept under a new random profile id. */
  private async anonymize(request: RequestToRun): Promise<PrivacyReport> {
    const person = await this.personOf(request);
    const anonymousId = newId('profile');
    const domains: Record<string, PersonDataCounts> = {};
    for (const holder of this.deps.holders()) {
      const counts = holder.anonymizePerson
        ? await holder.anonymizePerson(person, anonymousId)
        : await holder.erasePerson(person);
      addCounts(domains, holder.domain, counts);
    }
    addCounts(domains, 'privacy', { exports: await this.eraseExports(person) });
    return { domains, personFound: person.found };
  }
}

/** SHA-256 of a download token: what is stored, so the table alone opens no export. */
export function downloadTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function addCounts(domains: Record<string, PersonDataCounts>, domain: string, counts: PersonDataCounts) {
  const into = domains[domain] ?? {};
  for (const [name, count] of Object.entries(counts)) into[name] = (into[name] ?? 0) + count;
  domains[domain] = into;
}
