import {
  type BulkUpdatePeople,
  BulkUpdatePeopleSchema,
  type CreatePerson,
  type PeopleListQuery,
  type Person,
  type UpdatePerson,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import type { ProfilesService } from '../../profiles/index.js';
import { type Database, type Store, writeTransaction } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvents } from '../crm-events.js';
import { validateCustomFields } from '../custom-fields/index.js';
import type { TasksService } from '../tasks/index.js';
import { handOverPeopleWithin, peopleOwnedBy, peopleOwnerIds } from './people-hand-over.js';
import { listPeople } from './people-list.js';
import { appendIdentifyWithin, appendTraitsWithin } from './person-calls.js';
import { crmTraitsOf, personChangeEvents } from './person-changes.js';
import { type PersonRecord, personRecordOf, writePersonRecord } from './person-records.js';

/** How long creating a person waits for the pipeline to unify them. */
const SETTLE_MS = 10_000;

/**
 * What other CRM parts add to a person's view (lead scoring, deals): handed in by the engine,
 * so people never imports the domains built beside it.
 */
export interface PersonSections {
  leadScoreOf(
    workspaceId: string,
    profileId: string,
  ): Promise<Pick<Person, 'leadScore' | 'leadScoreBreakdown'>>;
  dealsOf(workspaceId: string, profileIds: readonly string[]): Promise<Person['deals']>;
}

export const NO_PERSON_SECTIONS: PersonSections = {
  leadScoreOf: async () => ({ leadScore: null, leadScoreBreakdown: [] }),
  dealsOf: async () => [],
};

export interface PeopleDeps {
  readonly identity: IdentityService;
  readonly profiles: ProfilesService;
  readonly crmEvents: CrmEvents;
  readonly tasks: TasksService;
  readonly clock: () => number;
  readonly sections: () => PersonSections;
  /** After CRM events committed: the pipeline should look at the log now. */
  readonly wake: () => void;
  /** After a person was created by hand (links them to their email domain's company, assigns an owner). */
  readonly onCreated?: (created: {
    workspaceId: string;
    profileId: string;
    email: string | undefined;
    ownerGiven: boolean;
    actorId: string | null;
  }) => Promise<void>;
  /** Waits until the pipeline has unified what is in the log (bounded). */
  readonly settle: (workspaceId: string) => Promise<void>;
}

/** People are profiles: the CRM view of a profile (owner, lifecycle stage, lead status, tags, fields). */
export class PeopleService {
  constructor(
    private readonly store: Store,
    private readonly deps: PeopleDeps,
  ) {}

  /** The CRM view of a profile; a merged id answers with its survivor's. Throws `not_found`. */
  async get(workspaceId: string, profileId: string): Promise<Person> {
    const liveId = await this.deps.identity.resolveProfileId(workspaceId, profileId);
    if (liveId === undefined) throw new AppError('not_found', `Person ${profileId} not found`);
    const { record, mergedIds } = await personRecordOf(
      this.store.db,
      this.deps.identity,
      workspaceId,
      liveId,
    );
    const ids = [liveId, ...mergedIds];
    const sections = this.deps.sections();
    const [score, deals, tasks] = await Promise.all([
      sections.leadScoreOf(workspaceId, liveId),
      sections.dealsOf(workspaceId, ids),
      this.deps.tasks.openTasksOf(workspaceId, ids),
    ]);
    return {
      profileId: liveId,
      ownerId: record.ownerId,
      lifecycleStage: record.lifecycleStage,
      leadStatus: record.leadStatus,
      ...score,
      tags: record.tags,
      fields: record.fields,
      deals,
      tasks,
      updatedAt: record.updatedAt,
    };
  }

  /** The contacts list (see `listPeople`). */
  list(workspaceId: string, query: PeopleListQuery, reader: { actorId: string | null }) {
    return listPeople({ store: this.store, ...this.deps }, workspaceId, query, reader);
  }

  /** Changes a person's CRM fields: audited, appended as events, mirrored into `crm_*` traits. */
  async update(
    workspaceId: string,
    profileId: string,
    patch: UpdatePerson,
    actorId: string | null,
  ): Promise<Person> {
    const liveId = await this.store.db
      .transaction()
      .execute((trx) => this.updateWithin(trx, { workspaceId, profileId, patch, actorId }));
    this.deps.wake();
    return this.get(workspaceId, liveId);
  }

  /** The same change for many people, at once (one transaction). */
  async bulkUpdate(
    workspaceId: string,
    input: BulkUpdatePeople,
    actorId: string | null,
  ): Promise<{ updated: number }> {
    const { profileIds, set, addTags, removeTags } = BulkUpdatePeopleSchema.parse(input);
    let updated = 0;
    await this.store.db.transaction().execute(async (trx) => {
      for (const profileId of new Set(profileIds)) {
        const changed = await this.updateWithin(trx, {
          workspaceId,
          profileId,
          patch: set,
          actorId,
          tags: (tags) => [...new Set([...tags, ...addTags])].filter((t) => !removeTags.includes(t)),
        });
        if (changed) updated += 1;
      }
    });
    this.deps.wake();
    return { updated };
  }

  /** `update` inside the caller's transaction (assignment, bulk edits); the live profile's id. */
  async updateWithin(
    trx: Kysely<Database>,
    input: {
      workspaceId: string;
      profileId: string;
      patch: UpdatePerson;
      actorId: string | null;
      tags?: (tags: string[]) => string[];
    },
  ): Promise<string> {
    const { workspaceId, patch, actorId } = input;
    const liveId = await this.deps.identity.resolveProfileId(workspaceId, input.profileId, trx);
    if (liveId === undefined) throw new AppError('not_found', `Person ${input.profileId} not found`);
    const { record: before, mergedIds } = await personRecordOf(trx, this.deps.identity, workspaceId, liveId);
    const fields =
      patch.fields === undefined
        ? before.fields
        : await validateCustomFields(trx, workspaceId, 'person', patch.fields, before.fields);
    const tags = patch.tags === undefined ? before.tags : [...new Set(patch.tags)];
    const at = this.now();
    const after: PersonRecord = {
      ownerId: patch.ownerId === undefined ? before.ownerId : patch.ownerId,
      lifecycleStage: patch.lifecycleStage === undefined ? before.lifecycleStage : patch.lifecycleStage,
      leadStatus: patch.leadStatus === undefined ? before.leadStatus : patch.leadStatus,
      tags: input.tags ? input.tags(tags) : tags,
      fields,
      updatedAt: at,
    };
    const changeId = newId('auditEntry');
    const events = personChangeEvents(before, after, {
      workspaceId,
      profileId: liveId,
      actorId,
      at,
      changeId,
    });
    if (events.length === 0) return liveId;
    await writePersonRecord(trx, { workspaceId, profileId: liveId, record: after, mergedIds, at });
    await recordCrmAudit(trx, [
      {
        workspaceId,
        actorId,
        entityType: 'person',
        entityId: liveId,
        action: 'update',
        profileId: liveId,
        before: { ...before, updatedAt: undefined },
        after: { ...after, updatedAt: undefined },
        at,
      },
    ]);
    await this.deps.crmEvents.appendWithin(trx, events);
    await appendTraitsWithin(trx, this.deps, {
      workspaceId,
      profileId: liveId,
      traits: crmTraitsOf(after, before),
      at,
      messageId: `person-${changeId}-traits`,
    });
    return liveId;
  }

  /** How many people `userId` owns: what their removal from the workspace may hand over. */
  async ownedCount(workspaceId: string, userId: string): Promise<number> {
    return (await peopleOwnedBy(this.store.db, this.deps.identity, { workspaceId, userId })).people.length;
  }

  /** Who may own people here (former members too): `ownedCount` tells whether they do. */
  ownerIds(workspaceId: string): Promise<string[]> {
    return peopleOwnerIds(this.store.db, workspaceId);
  }

  /**
   * Gives the people `from` owns to `to` (a member leaving), each change on the person's timeline,
   * audited and mirrored into `crm_owner_id` like one made by hand. Answers how many.
   */
  async handOver(
    workspaceId: string,
    handOver: { from: string; to: string; actorId: string | null },
  ): Promise<number> {
    const at = this.now();
    const moved = await writeTransaction(this.store, (trx) =>
      handOverPeopleWithin(trx, this.deps, { workspaceId, ...handOver, at }),
    );
    if (moved > 0) this.deps.wake();
    return moved;
  }

  /**
   * Creates a person by hand: an identify call under the CRM's source (a known email or user id
   * merges into the profile that has it), unified before the answer; then the CRM fields given.
   */
  async create(workspaceId: string, input: CreatePerson, actorId: string | null): Promise<Person> {
    const { email, phone, userId, name, traits, ...crm } = input;
    const at = this.now();
    const key = newId('profile').replace(/^prof_/, '');
    const anonymousId = `crm:${key}`;
    const identifier =
      userId === undefined
        ? { type: 'anonymous_id', value: anonymousId }
        : { type: 'user_id', value: userId };
    // Custom fields are checked before anything is written (a new record: required ones given).
    await validateCustomFields(this.store.db, workspaceId, 'person', crm.fields ?? {});
    await this.store.db.transaction().execute((trx) =>
      appendIdentifyWithin(trx, this.deps.crmEvents, {
        workspaceId,
        at,
        call: {
          ...(userId === undefined ? { anonymousId } : { userId }),
          traits: {
            ...traits,
            ...(email === undefined ? {} : { email }),
            ...(phone === undefined ? {} : { phone }),
            ...(name === undefined ? {} : { name }),
          },
          messageId: `person-created-${key}`,
        },
      }),
    );
    this.deps.wake();
    await this.deps.settle(workspaceId);
    const profileId = await this.unifiedProfileOf(workspaceId, identifier);
    if (profileId === undefined) {
      throw new AppError(
        'not_ready',
        'The person was recorded but is not unified yet: look them up again shortly',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    await this.store.db.transaction().execute(async (trx) => {
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'person',
          entityId: profileId,
          action: 'create',
          profileId,
          after: input,
          at,
        },
      ]);
      await this.deps.crmEvents.appendWithin(trx, [
        {
          workspaceId,
          profileId,
          event: 'Person Created',
          properties: { ...(email === undefined ? {} : { email }), ...(name === undefined ? {} : { name }) },
          actorId,
          at,
          messageId: `person-created-${key}-event`,
        },
      ]);
      await this.updateWithin(trx, { workspaceId, profileId, patch: crm, actorId });
    });
    await this.deps.onCreated?.({ workspaceId, profileId, email, ownerGiven: crm.ownerId != null, actorId });
    this.deps.wake();
    return this.get(workspaceId, profileId);
  }

  /**
   * The people with these emails (lower-cased email → live profile id), creating those not
   * found as `create` does (an identify call under the CRM's source, `Person Created`, audit,
   * the after-create hook), but many at once: one append, one wait for unify. An import's path.
   * Emails whose person is not unified within the wait are left out of the answer.
   */
  async findOrCreateByEmails(
    workspaceId: string,
    emails: readonly string[],
    actorId: string | null,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: { email: string; key: string }[] = [];
    for (const email of new Set(emails.map((e) => e.trim().toLowerCase()))) {
      const profileId = await this.deps.identity.profileIdOf(workspaceId, 'email', email);
      if (profileId !== undefined) found.set(email, profileId);
      else missing.push({ email, key: newId('profile').replace(/^prof_/, '') });
    }
    if (missing.length === 0) return found;
    const at = this.now();
    await this.store.db.transaction().execute(async (trx) => {
      for (const { email, key } of missing) {
        try {
          await appendIdentifyWithin(trx, this.deps.crmEvents, {
            workspaceId,
            at,
            call: { anonymousId: `crm:${key}`, traits: { email }, messageId: `person-created-${key}` },
          });
        } catch (error) {
          // A call refused before anything is written (an email unify would not take): left out.
          if (!(error instanceof AppError) || error.code !== 'unprocessable') throw error;
        }
      }
    });
    this.deps.wake();
    await this.deps.settle(workspaceId);
    const created: { email: string; key: string; profileId: string }[] = [];
    const deadline = Date.now() + SETTLE_MS;
    for (const person of missing) {
      for (;;) {
        const profileId = await this.deps.identity.profileIdOf(workspaceId, 'email', person.email);
        if (profileId !== undefined) {
          created.push({ ...person, profileId });
          break;
        }
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    await this.store.db.transaction().execute(async (trx) => {
      await recordCrmAudit(
        trx,
        created.map(({ email, profileId }) => ({
          workspaceId,
          actorId,
          entityType: 'person',
          entityId: profileId,
          action: 'create',
          profileId,
          after: { email },
          at,
        })),
      );
      await this.deps.crmEvents.appendWithin(
        trx,
        created.map(({ email, key, profileId }) => ({
          workspaceId,
          profileId,
          event: 'Person Created',
          properties: { email },
          actorId,
          at,
          messageId: `person-created-${key}-event`,
        })),
      );
    });
    for (const { email, profileId } of created) {
      await this.deps.onCreated?.({ workspaceId, profileId, email, ownerGiven: false, actorId });
      found.set(email, profileId);
    }
    this.deps.wake();
    return found;
  }

  /** The profile an identifier of a call just appended landed on, once unify has run (bounded wait). */
  private async unifiedProfileOf(workspaceId: string, identifier: { type: string; value: string }) {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const profileId = await this.deps.identity.profileIdOf(workspaceId, identifier.type, identifier.value);
      if (profileId !== undefined || Date.now() > deadline) return profileId;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private now(): string {
    return new Date(this.deps.clock()).toISOString();
  }
}
