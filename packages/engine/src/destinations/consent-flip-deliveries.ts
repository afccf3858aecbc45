import type { Kysely } from 'kysely';
import { type CurrentMembership, currentMembershipsOf } from '../audiences/index.js';
import type { ConsentFlip } from '../consent/index.js';
import type { Database } from '../store/index.js';
import { audienceBody } from './delivery-bodies.js';
import type { ConsentChecker } from './delivery-options.js';
import type { Pending, Subscribed } from './pending-delivery.js';

/**
 * The audience deliveries one workspace's consent flips make, for destinations with purposes and
 * audience subscriptions. A purpose of the destination withdrawn: `audience.exited` for each
 * subscribed audience the person is a member of now (the dispatcher sends it without traits), so
 * that they leave the destination's lists. Granted again, and the person now grants every purpose
 * of the destination: `audience.entered` the same way. An audience that itself requires the
 * flipped purpose is left out: its own membership change carries the delivery.
 */
export async function consentFlipDeliveries(
  db: Kysely<Database>,
  input: {
    readonly workspaceId: string;
    readonly flips: readonly ConsentFlip[];
    readonly destinations: readonly Subscribed[];
    readonly consent: ConsentChecker;
    /** Flips learnt before this time (ms) are not delivered: a rebuild's replay. */
    readonly notBefore: number;
    readonly ord: number;
  },
): Promise<Pending[]> {
  const { workspaceId } = input;
  const targets = input.destinations.filter(
    (d) => d.destination.purposes.length > 0 && d.subscriptions.some((s) => s.kind === 'audience'),
  );
  const turns = netTurns(input.flips);
  if (targets.length === 0 || turns.size === 0) return [];
  const audienceIds = targets.flatMap((d) =>
    d.subscriptions.flatMap((s) => (s.kind === 'audience' ? [s.audienceId] : [])),
  );
  const membersOf = new Map<string, Map<string, CurrentMembership>>();
  for (const membership of await currentMembershipsOf(db, workspaceId, {
    profileIds: [...turns.keys()],
    audienceIds,
  })) {
    const ofProfile = membersOf.get(membership.profileId) ?? new Map<string, CurrentMembership>();
    membersOf.set(membership.profileId, ofProfile.set(membership.audienceId, membership));
  }
  const pending: Pending[] = [];
  for (const target of targets) {
    const { destination } = target;
    const needed = new Set(destination.purposes);
    const exits = new Map<string, ConsentFlip[]>();
    const entries = new Map<string, ConsentFlip[]>();
    for (const [profileId, flips] of turns) {
      if (!membersOf.has(profileId)) continue;
      const relevant = flips.filter(
        (f) =>
          needed.has(f.purpose) &&
          f.recordedAt >= destination.createdAt &&
          Date.parse(f.recordedAt) >= input.notBefore,
      );
      const refused = relevant.filter((f) => !f.granted);
      if (refused.length > 0) exits.set(profileId, refused);
      else if (relevant.length > 0) entries.set(profileId, relevant);
    }
    const consenting =
      entries.size > 0
        ? await input.consent(db, workspaceId, [...entries.keys()], destination.purposes)
        : new Set<string>();
    for (const [profileId, turning] of exits)
      pending.push(
        ...audienceTurns(target, { which: 'exited', profileId, turning, membersOf, ord: input.ord }),
      );
    for (const [profileId, turning] of entries)
      if (consenting.has(profileId))
        pending.push(
          ...audienceTurns(target, { which: 'entered', profileId, turning, membersOf, ord: input.ord }),
        );
  }
  return pending;
}

/** One profile's entries or exits of the destination's subscribed audiences it is a member of. */
function audienceTurns(
  { destination, subscriptions }: Subscribed,
  turn: {
    readonly which: 'entered' | 'exited';
    readonly profileId: string;
    readonly turning: readonly ConsentFlip[];
    readonly membersOf: ReadonlyMap<string, ReadonlyMap<string, CurrentMembership>>;
    readonly ord: number;
  },
): Pending[] {
  const { which, profileId } = turn;
  const cause = latestOf(turn.turning);
  const flipped = new Set(turn.turning.map((f) => f.purpose));
  const pending: Pending[] = [];
  for (const subscription of subscriptions) {
    if (subscription.kind !== 'audience') continue;
    if (which === 'entered' ? !subscription.entered : !subscription.exited) continue;
    const membership = turn.membersOf.get(profileId)?.get(subscription.audienceId);
    if (membership === undefined) continue;
    if (membership.requiredPurpose !== null && flipped.has(membership.requiredPurpose)) continue;
    const audience = { id: membership.audienceId, name: membership.audienceName };
    pending.push({
      destination,
      subscription,
      profileId,
      make: (profile, id) => audienceBody(which, audience, profile, cause.decidedAt, id),
      occurredAt: cause.decidedAt,
      type: `audience.${which}`,
      // The flip's cause is stable across a rebuild: a replayed flip makes the same delivery id.
      cause: `consent:${which}:${profileId}:${cause.key}`,
      ord: turn.ord,
    });
  }
  return pending;
}

/**
 * Per profile, the flips that still stand once those taken together are folded (taken oldest
 * first): per purpose the last one, unless the last undid what the first did.
 */
function netTurns(flips: readonly ConsentFlip[]): Map<string, ConsentFlip[]> {
  const byPurpose = new Map<string, ConsentFlip[]>();
  for (const flip of flips) {
    const key = `${flip.profileId}\u0000${flip.purpose}`;
    const sequence = byPurpose.get(key) ?? [];
    if (sequence.length === 0) byPurpose.set(key, sequence);
    sequence.push(flip);
  }
  const turns = new Map<string, ConsentFlip[]>();
  for (const sequence of byPurpose.values()) {
    const first = sequence[0];
    const last = sequence.at(-1);
    // Before the first flip the state was the opposite of it: the last one ends where it began.
    if (first === undefined || last === undefined || last.granted !== first.granted) continue;
    turns.set(last.profileId, [...(turns.get(last.profileId) ?? []), last]);
  }
  return turns;
}

function latestOf(flips: readonly ConsentFlip[]): ConsentFlip {
  return flips.reduce((latest, flip) =>
    flip.recordedAt > latest.recordedAt || (flip.recordedAt === latest.recordedAt && flip.key > latest.key)
      ? flip
      : latest,
  );
}
