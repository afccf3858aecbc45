import {
  type ConsentHistoryPage,
  type ConsentHistoryQuery,
  type ConsentOverview,
  type ConsentProof,
  type ConsentPurpose,
  type ConsentSettings,
  type ConsentSourceKind,
  type ConsentToRecord,
  NECESSARY_PURPOSE,
  type NewConsentPurpose,
  type ProfileConsent,
  type UpdateConsentPurpose,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError, Readers, type ReadersOf } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { FlipWatch, recordFlips } from './consent-changes.js';
import { historyPage, overviewOf } from './consent-history.js';
import { readConfiguration, storeBuiltIns } from './consent-purposes.js';
import { foldDecision, insertDecisions, loadStandings, saveStandings } from './consent-states.js';
import { consentOf } from './consented-profiles.js';
import { PurposeGrants } from './purpose-grants.js';
import { type PurposeTurn, purposeTurns, recordTurnFlips } from './purpose-turns.js';

/** How far in the future a recorded decision may say it was made (clocks of other systems). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Decisions a profile's consent answer lists, newest first. */
const HISTORY_LIMIT = 500;

/**
 * Decisions recorded on a person's behalf or by the person: `principal` is who recorded them
 * (absent when the person did, on the preference page); `proof` what shows they were the
 * person's (a request's IP and user agent, the wording shown), per purpose for the wording.
 */
export interface ConsentRecording extends Omit<ConsentToRecord, 'source'> {
  readonly source: ConsentSourceKind;
  readonly principal?: string | undefined;
  readonly proof?: Partial<Pick<ConsentProof, 'ip' | 'userAgent'>> | undefined;
  readonly wordings?: Readonly<Record<string, { wording: string; version: string }>> | undefined;
}

/**
 * What changed who grants what, outside the log: decisions recorded for these profiles, or the
 * purposes and defaults themselves (audiences requiring a purpose listen), with the purposes
 * whose effective state that turned for someone (`turns`, empty when none did).
 */
export type ConsentChange =
  | { readonly kind: 'decisions'; readonly workspaceId: string; readonly profileIds: readonly string[] }
  | {
      readonly kind: 'configuration';
      readonly workspaceId: string;
      readonly turns: readonly PurposeTurn[];
    };

/** Purposes, the workspace default, and decisions recorded through the API. */
export class ConsentService {
  private readonly purposeGrants: PurposeGrants;
  private readonly listeners = new Set<(change: ConsentChange) => Promise<void>>();
  /** Audiences, destinations and marketing email that require a purpose (registered by the engine). */
  private readonly readers = new Readers();

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly clock: () => number = Date.now,
  ) {
    this.purposeGrants = new PurposeGrants(store, clock);
  }

  /** Others that require a purpose: removing it empties them (nobody grants it), so they are named first. */
  onReaders(readersOf: ReadersOf): void {
    this.readers.add(readersOf);
  }

  /** What requires this purpose, as `audience "VIPs"`, `destination "Ads"`: what removing it stops. */
  async readersOfPurpose(workspaceId: string, key: string): Promise<string[]> {
    await this.purpose(workspaceId, key);
    return this.readers.of(workspaceId, key);
  }

  /** Called after each change, once committed; the caller's answer waits for the listeners. */
  onChange(listener: (change: ConsentChange) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a live profile grants a purpose now (per-request checks: the defaults are cached). */
  grants(workspaceId: string, profileId: string, purpose: string): Promise<boolean> {
    return this.purposeGrants.grants(workspaceId, profileId, purpose);
  }

  async purposes(workspaceId: string): Promise<ConsentPurpose[]> {
    return [...(await readConfiguration(this.store.db, workspaceId)).purposes];
  }

  async settings(workspaceId: string): Promise<ConsentSettings> {
    return { defaultMode: (await readConfiguration(this.store.db, workspaceId)).defaultMode };
  }

  async updateSettings(workspaceId: string, settings: ConsentSettings): Promise<ConsentSettings> {
    const at = this.now();
    await this.configure(workspaceId, at, async (trx) => {
      await storeBuiltIns(trx, workspaceId, at);
      await trx
        .updateTable('consent_settings')
        .set({ default_mode: settings.defaultMode, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .execute();
    });
    return this.settings(workspaceId);
  }

  async createPurpose(workspaceId: string, input: NewConsentPurpose): Promise<ConsentPurpose> {
    const at = this.now();
    await this.configure(workspaceId, at, async (trx) => {
      await storeBuiltIns(trx, workspaceId, at);
      const { purposes } = await readConfiguration(trx, workspaceId);
      if (purposes.some((p) => p.key === input.key))
        throw new AppError('conflict', `A purpose with key "${input.key}" already exists`);
      assertAliasesFree(purposes, input.key, input.aliases);
      const position = Math.max(-1, ...(await positions(trx, workspaceId))) + 1;
      await trx
        .insertInto('consent_purposes')
        .values({
          workspace_id: workspaceId,
          purpose_key: input.key,
          label: input.label,
          description: input.description,
          default_mode: input.defaultMode,
          aliases: JSON.stringify(input.aliases),
          position,
          created_at: at,
          updated_at: at,
        })
        .execute();
    });
    return this.purpose(workspaceId, input.key);
  }

  async updatePurpose(
    workspaceId: string,
    key: string,
    patch: UpdateConsentPurpose,
  ): Promise<ConsentPurpose> {
    const at = this.now();
    await this.configure(workspaceId, at, async (trx) => {
      await storeBuiltIns(trx, workspaceId, at);
      const { purposes } = await readConfiguration(trx, workspaceId);
      if (!purposes.some((p) => p.key === key)) throw purposeNotFound(key);
      if (patch.aliases) assertAliasesFree(purposes, key, patch.aliases);
      await trx
        .updateTable('consent_purposes')
        .set({
          ...(patch.label !== undefined ? { label: patch.label } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.defaultMode !== undefined ? { default_mode: patch.defaultMode } : {}),
          ...(patch.aliases !== undefined ? { aliases: JSON.stringify(patch.aliases) } : {}),
          updated_at: at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('purpose_key', '=', key)
        .execute();
    });
    return this.purpose(workspaceId, key);
  }

  /**
   * Removes a purpose (not `necessary`). Decisions already made on it stay in history and in
   * the profiles' state, so that re-creating it finds them; meanwhile nothing grants it (a turn
   * to refused for everyone who granted it).
   */
  async deletePurpose(workspaceId: string, key: string): Promise<void> {
    if (key === NECESSARY_PURPOSE)
      throw new AppError('conflict', 'The necessary purpose cannot be removed: every profile grants it');
    const at = this.now();
    await this.configure(workspaceId, at, async (trx) => {
      await storeBuiltIns(trx, workspaceId, at);
      const deleted = await trx
        .deleteFrom('consent_purposes')
        .where('workspace_id', '=', workspaceId)
        .where('purpose_key', '=', key)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw purposeNotFound(key);
    });
  }

  /**
   * Of these profiles (a bounded chunk: one transaction), those a purpose's turn reaches get a
   * flip kept for destinations. The engine passes the members of the audiences that destinations
   * needing the purpose are subscribed to. Answers how many flips were recorded.
   */
  async recordTurn(workspaceId: string, turn: PurposeTurn, profileIds: readonly string[]): Promise<number> {
    if (profileIds.length === 0) return 0;
    return writeTransaction(this.store, (trx) => recordTurnFlips(trx, workspaceId, { turn, profileIds }));
  }

  /** A profile's consent (a merged-away id answers with its survivor's): state and history. */
  async profileConsent(workspaceId: string, profileId: string): Promise<ProfileConsent> {
    const liveId = await this.liveProfile(workspaceId, profileId);
    return {
      profileId: liveId,
      purposes: await consentOf(this.store.db, workspaceId, liveId),
      history: (await historyPage(this.store.db, workspaceId, liveId, { limit: HISTORY_LIMIT })).data,
    };
  }

  /** A page of a profile's decisions, newest first, each with its source and proof. */
  async history(
    workspaceId: string,
    profileId: string,
    query: ConsentHistoryQuery,
  ): Promise<ConsentHistoryPage> {
    const liveId = await this.liveProfile(workspaceId, profileId);
    return { profileId: liveId, ...(await historyPage(this.store.db, workspaceId, liveId, query)) };
  }

  /** The consent center: people granting and refusing each purpose, the latest decisions. */
  async overview(workspaceId: string): Promise<ConsentOverview> {
    return overviewOf(this.store.db, workspaceId, await this.purposes(workspaceId));
  }

  /**
   * Records decisions made on a person's behalf (a preference centre, a support call, another
   * system's import). Each is kept in history with who recorded it; like an event's, a decision
   * dated before the profile's latest one on a purpose does not override it.
   */
  async record(workspaceId: string, profileId: string, input: ConsentRecording): Promise<ProfileConsent> {
    const liveId = await this.liveProfile(workspaceId, profileId);
    const now = this.clock();
    const decidedAt = input.decidedAt ? new Date(input.decidedAt).toISOString() : new Date(now).toISOString();
    if (Date.parse(decidedAt) > now + FUTURE_TOLERANCE_MS)
      throw new AppError('validation_failed', 'Invalid decidedAt: a decision cannot be made in the future', {
        details: [{ path: 'decidedAt', message: 'in the future' }],
      });
    const recordedAt = new Date(now).toISOString();
    await writeTransaction(this.store, async (trx) => {
      const configuration = await readConfiguration(trx, workspaceId);
      const known = new Set(configuration.purposes.map((p) => p.key));
      const unknown = Object.keys(input.purposes).filter((key) => !known.has(key));
      if (unknown.length > 0)
        throw new AppError('validation_failed', `Invalid purposes.${unknown[0]}: no such purpose`, {
          details: unknown.map((key) => ({ path: `purposes.${key}`, message: 'no such purpose' })),
        });
      const standings = await loadStandings(trx, workspaceId, [liveId]);
      const ofProfile = standings.get(liveId) ?? new Map();
      const entries = Object.entries(input.purposes).map(([purpose, granted]) => ({
        purpose,
        granted,
        decisionId: newId('consentDecision'),
      }));
      // A purpose whose effective state flips is kept for destinations, the decision its cause.
      const flips = new FlipWatch(configuration);
      for (const { purpose, granted, decisionId } of entries) {
        const previous = ofProfile.get(purpose);
        foldDecision(ofProfile, purpose, { granted, at: decidedAt });
        const next = ofProfile.get(purpose);
        if (next && next !== previous)
          flips.moved(liveId, purpose, { previous, next, cause: { key: decisionId, recordedAt } });
      }
      await insertDecisions(
        trx,
        workspaceId,
        entries.map(({ purpose, granted, decisionId }) => ({
          decisionId,
          profileId: liveId,
          // The id named: should the merge that made it part of another be undone, it goes back.
          originProfileId: profileId,
          category: purpose,
          purpose,
          granted,
          decidedAt,
          recordedAt,
          sourceKind: input.source,
          principal: input.principal,
          note: input.note,
          ip: input.proof?.ip ?? undefined,
          userAgent: input.proof?.userAgent ?? undefined,
          wording: input.wordings?.[purpose]?.wording,
          wordingVersion: input.wordings?.[purpose]?.version,
        })),
      );
      await saveStandings(trx, workspaceId, standings);
      await recordFlips(trx, flips.flipsIn(workspaceId, standings));
    });
    await this.changed({ kind: 'decisions', workspaceId, profileIds: [liveId] });
    return this.profileConsent(workspaceId, liveId);
  }

  /**
   * Saves a change of purposes or defaults (`edit`, in one transaction), then tells the
   * listeners, with the purposes it turned (before and after compared in that transaction).
   */
  private async configure(
    workspaceId: string,
    at: string,
    edit: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<void> {
    const turns = await writeTransaction(this.store, async (trx) => {
      const before = await readConfiguration(trx, workspaceId);
      await edit(trx);
      return purposeTurns(before, await readConfiguration(trx, workspaceId), at);
    });
    this.purposeGrants.forget(workspaceId);
    await this.changed({ kind: 'configuration', workspaceId, turns });
  }

  private async changed(change: ConsentChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }

  private async purpose(workspaceId: string, key: string): Promise<ConsentPurpose> {
    const found = (await this.purposes(workspaceId)).find((p) => p.key === key);
    if (!found) throw purposeNotFound(key);
    return found;
  }

  private async liveProfile(workspaceId: string, profileId: string): Promise<string> {
    const liveId = await this.identity.resolveProfileId(workspaceId, profileId);
    if (liveId === undefined) throw new AppError('not_found', `No profile ${profileId}`);
    return liveId;
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}

async function positions(db: Kysely<Database>, workspaceId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('consent_purposes')
    .select('position')
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((row) => Number(row.position));
}

/** A category name must mean one purpose: an alias may not be another purpose's key or alias. */
function assertAliasesFree(purposes: readonly ConsentPurpose[], key: string, aliases: readonly string[]) {
  const taken = new Map<string, string>();
  for (const purpose of purposes) {
    if (purpose.key === key) continue;
    for (const name of [purpose.key, ...purpose.aliases]) taken.set(name.trim().toLowerCase(), purpose.key);
  }
  for (const alias of aliases) {
    const owner = taken.get(alias.trim().toLowerCase());
    if (owner !== undefined)
      throw new AppError('conflict', `The alias "${alias}" already means the purpose "${owner}"`, {
        details: [{ path: 'aliases', message: `already means "${owner}"` }],
      });
  }
}

function purposeNotFound(key: string): AppError {
  return new AppError('not_found', `No consent purpose "${key}"`);
}
