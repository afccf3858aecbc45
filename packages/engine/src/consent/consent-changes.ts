import { NECESSARY_PURPOSE } from '@tandem/contract';
import type { Kysely, RawBuilder } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';
import type { ConsentConfiguration } from './consent-purposes.js';
import type { ConsentStandings, PurposeStanding } from './consent-states.js';

/**
 * A profile's effective consent on one purpose turned around (defaults applied): granted before
 * and refused after, or the reverse. Destinations needing the purpose hear of it (the delivery
 * stage takes these), though no audience membership changed.
 */
export interface ConsentFlip {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly purpose: string;
  /** The effective state after the flip. */
  readonly granted: boolean;
  /**
   * What turned it, stable across a rebuild: an event's id, an API decision's id, a merge, a
   * change of defaults or purposes (see purpose-turns.ts).
   */
  readonly key: string;
  /** When the person decided (a change of configuration: when it was made). */
  readonly decidedAt: string;
  /** When Tandem learnt it: an event's receipt, an API call's time. */
  readonly recordedAt: string;
}

/** The decision that moved a standing. */
export interface FlipCause {
  readonly key: string;
  readonly recordedAt: string;
}

/**
 * Follows the standings a set of decisions moves in one transaction (what each was before its
 * first move, and the decision that last switched it between granted and refused), then answers
 * the effective flips: a purpose granted before and refused after, or the reverse. Two decisions
 * undoing each other in the same transaction are no flip.
 */
export class FlipWatch {
  private readonly before = new Map<
    string,
    { profileId: string; purpose: string; standing?: PurposeStanding }
  >();
  private readonly switchedBy = new Map<string, FlipCause & { decidedAt: string }>();

  constructor(private readonly configuration: ConsentConfiguration) {}

  /** A standing a decision replaced: `previous` is what it replaced (undefined: none yet). */
  moved(
    profileId: string,
    purpose: string,
    change: { previous: PurposeStanding | undefined; next: PurposeStanding; cause: FlipCause },
  ): void {
    const id = `${profileId}\u0000${purpose}`;
    if (!this.before.has(id))
      this.before.set(id, { profileId, purpose, ...(change.previous ? { standing: change.previous } : {}) });
    if (change.previous === undefined || change.previous.granted !== change.next.granted)
      this.switchedBy.set(id, { ...change.cause, decidedAt: change.next.at });
  }

  /** The flips, given the standings as the decisions left them. */
  flipsIn(workspaceId: string, standings: ConsentStandings): ConsentFlip[] {
    const flips: ConsentFlip[] = [];
    for (const [id, { profileId, purpose, standing }] of this.before) {
      const granted = grantsNow(this.configuration, purpose, standings.get(profileId)?.get(purpose));
      const cause = this.switchedBy.get(id);
      if (granted === grantsNow(this.configuration, purpose, standing) || cause === undefined) continue;
      flips.push({ workspaceId, profileId, purpose, granted, ...cause });
    }
    return flips;
  }
}

/**
 * The flips between two sets of standings of the same profiles (derived again after an unmerge
 * or a removal of events), all of one cause. Only profiles that had standings before count: a
 * profile an unmerge restores was no one's before, so its lists start from its memberships.
 */
export function flipsBetween(
  configuration: ConsentConfiguration,
  workspaceId: string,
  standings: { readonly before: ConsentStandings; readonly after: ConsentStandings },
  cause: FlipCause,
): ConsentFlip[] {
  const flips: ConsentFlip[] = [];
  for (const [profileId, before] of standings.before) {
    if (before.size === 0) continue;
    const after = standings.after.get(profileId);
    for (const purpose of new Set([...before.keys(), ...(after?.keys() ?? [])])) {
      const next = after?.get(purpose);
      const granted = grantsNow(configuration, purpose, next);
      if (granted === grantsNow(configuration, purpose, before.get(purpose))) continue;
      flips.push({
        workspaceId,
        profileId,
        purpose,
        granted,
        ...cause,
        decidedAt: next?.at ?? cause.recordedAt,
      });
    }
  }
  return flips;
}

/** Whether a standing (or none: the default) grants a purpose, as `consentedProfiles` decides. */
function grantsNow(
  configuration: ConsentConfiguration,
  purpose: string,
  standing: PurposeStanding | undefined,
): boolean {
  if (purpose === NECESSARY_PURPOSE) return true;
  const defined = configuration.purposes.find((p) => p.key === purpose);
  // A purpose the workspace does not define (any more) is granted by no one: nothing can flip.
  if (defined === undefined) return false;
  if (standing) return standing.granted;
  return (defined.defaultMode ?? configuration.defaultMode) === 'opt-out';
}

/** In the caller's transaction (the one saving the standings): keeps flips for the delivery stage. */
export async function recordFlips(db: Kysely<Database>, flips: readonly ConsentFlip[]): Promise<void> {
  const rows = flips.map((flip) => ({
    workspace_id: flip.workspaceId,
    profile_id: flip.profileId,
    purpose: flip.purpose,
    change_key: flip.key,
    granted: flip.granted ? 1 : 0,
    decided_at: flip.decidedAt,
    recorded_at: flip.recordedAt,
  }));
  for (const chunk of chunksOf(rows, 200)) {
    await db
      .insertInto('consent_changes')
      .values(chunk)
      // A replay recording the same flip again (the same cause): it is already waiting.
      .onConflict((oc) => oc.columns(['workspace_id', 'profile_id', 'purpose', 'change_key']).doNothing())
      .execute();
  }
}

/**
 * Flips waiting, oldest first, up to `limit`, deleted in the caller's transaction: the delivery
 * stage's hand-off from consent. `inPartition`: only the workspaces of the caller's partition.
 */
export async function takeConsentFlips(
  db: Kysely<Database>,
  options: { readonly limit: number; readonly inPartition?: RawBuilder<boolean> | undefined },
): Promise<ConsentFlip[]> {
  let query = db.selectFrom('consent_changes').selectAll();
  if (options.inPartition) query = query.where(options.inPartition);
  const taken = await query.orderBy('recorded_at').orderBy('change_key').limit(options.limit).execute();
  for (const chunk of chunksOf(taken, 100)) {
    await db
      .deleteFrom('consent_changes')
      .where((eb) =>
        eb.or(
          chunk.map((row) =>
            eb.and([
              eb('workspace_id', '=', row.workspace_id),
              eb('profile_id', '=', row.profile_id),
              eb('purpose', '=', row.purpose),
              eb('change_key', '=', row.change_key),
            ]),
          ),
        ),
      )
      .execute();
  }
  return taken.map((row) => ({
    workspaceId: row.workspace_id,
    profileId: row.profile_id,
    purpose: row.purpose,
    granted: Number(row.granted) === 1,
    key: row.change_key,
    decidedAt: row.decided_at,
    recordedAt: row.recorded_at,
  }));
}

/** Forgets the flips of these profiles (a person erased). Answers how many went. */
export async function forgetFlips(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<number> {
  let removed = 0;
  for (const chunk of chunksOf(profileIds)) {
    const result = await db
      .deleteFrom('consent_changes')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed;
}
