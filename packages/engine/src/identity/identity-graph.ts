import type { Identifier } from './identifiers-of-event.js';
import type { IdentityRules } from './identity-rules.js';

/** A profile as the graph holds it during a batch. */
export interface ProfileNode {
  readonly profileId: string;
  mergedInto: string | null;
  eventCount: number;
  createdAt: string;
  readonly identifiers: Map<string, IdentifierNode>;
  readonly isNew: boolean;
  dirty: boolean;
}

export interface IdentifierNode {
  readonly type: string;
  readonly value: string;
  profileId: string;
  readonly firstSeen: string;
  lastSeen: string;
  dirty: boolean;
}

/** A merge decided by the graph: `profileId` folded into `survivorId`. */
export interface MergeDecision {
  readonly survivorId: string;
  readonly profileId: string;
  readonly eventId: string;
  readonly identifiers: Identifier[];
  /** Whether the merged profile existed before this batch (its stored rows must be re-pointed). */
  readonly stored: boolean;
}

/** Two identifiers an admin separated: their profiles must never merge again. */
export interface Separation {
  readonly a: Identifier;
  readonly b: Identifier;
}

/** What the graph needs to place one event. */
export interface EventToResolve {
  readonly eventId: string;
  readonly timestamp: string;
  readonly identifiers: readonly Identifier[];
  readonly previousId: string | null;
}

// last_seen is refreshed at most hourly: a row write per identifier per event would dominate.
const LAST_SEEN_STEP_MS = 3_600_000;

export function identifierKey(type: string, value: string): string {
  return `${type}\u0000${value}`;
}

/**
 * The identity graph of one workspace, for one batch: the stored profiles the batch's
 * identifiers reach (with all their identifiers), changed in memory event by event, then saved.
 */
export class IdentityGraph {
  readonly profiles = new Map<string, ProfileNode>();
  readonly identifiers = new Map<string, IdentifierNode>();
  readonly merges: MergeDecision[] = [];

  constructor(
    private readonly rules: IdentityRules,
    stored: { profiles: ProfileNode[]; identifiers: IdentifierNode[] },
    private readonly separations: readonly Separation[],
  ) {
    for (const profile of stored.profiles) this.profiles.set(profile.profileId, profile);
    for (const node of stored.identifiers) {
      const key = identifierKey(node.type, node.value);
      this.identifiers.set(key, node);
      this.profiles.get(node.profileId)?.identifiers.set(key, node);
    }
  }

  /** The live profile an id resolves to. */
  root(profileId: string): string {
    let id = profileId;
    for (let node = this.profiles.get(id); node?.mergedInto; node = this.profiles.get(id))
      id = node.mergedInto;
    return id;
  }

  /** Places the event on a profile, creating or merging profiles as the rules allow. */
  resolve(event: EventToResolve): string {
    const candidates = this.withPreviousId(event).sort(
      (x, y) => this.rules.rank(x.type) - this.rules.rank(y.type),
    );
    let profileId: string | undefined;
    while (profileId === undefined) {
      const roots = [...new Set(candidates.flatMap((i) => this.rootOf(i) ?? []))];
      if (roots.length === 0) profileId = this.create(event);
      else if (candidates.length === 1 || this.allowed(roots, candidates, event.timestamp)) {
        profileId = this.mergeAll(roots, event);
      } else {
        // A limit would break: drop the event's least trusted identifier and match again.
        candidates.pop();
      }
    }
    this.attach(profileId, candidates, event.timestamp);
    return profileId;
  }

  private withPreviousId(event: EventToResolve): Identifier[] {
    const found = [...event.identifiers];
    if (event.previousId !== null) {
      const asUser = this.identifiers.has(identifierKey('user_id', event.previousId));
      const previous = { type: asUser ? 'user_id' : 'anonymous_id', value: event.previousId };
      if (!found.some((i) => i.type === previous.type && i.value === previous.value)) found.push(previous);
    }
    return found;
  }

  private rootOf(identifier: Identifier): string | undefined {
    const node = this.identifiers.get(identifierKey(identifier.type, identifier.value));
    return node && this.root(node.profileId);
  }

  /** Whether one profile may hold the roots' identifiers plus the event's. */
  private allowed(roots: string[], candidates: Identifier[], timestamp: string): boolean {
    const union = new Map<string, { type: string; lastSeen: string }>();
    for (const root of roots) {
      for (const [key, node] of this.profiles.get(root)?.identifiers ?? []) union.set(key, node);
    }
    for (const i of candidates)
      union.set(identifierKey(i.type, i.value), { type: i.type, lastSeen: timestamp });
    const counts = new Map<string, number>();
    const at = Date.parse(timestamp);
    for (const { type, lastSeen } of union.values()) {
      const { windowMs } = this.rules.limitOf(type);
      if (windowMs !== null && Date.parse(lastSeen) < at - windowMs) continue;
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    for (const [type, count] of counts) if (count > this.rules.limitOf(type).max) return false;
    return !this.separations.some((s) => this.joins(s, roots, union));
  }

  /** Whether merging would put both sides of a separation in one profile (again). */
  private joins(separation: Separation, roots: string[], union: Map<string, unknown>): boolean {
    const a = identifierKey(separation.a.type, separation.a.value);
    const b = identifierKey(separation.b.type, separation.b.value);
    if (!union.has(a) || !union.has(b)) return false;
    const rootA = this.rootOf(separation.a);
    return roots.length > 1 || rootA === undefined || rootA !== this.rootOf(separation.b);
  }

  private create(event: EventToResolve): string {
    // The creating event's id, retyped: stable across rebuilds, time-ordered, unique per profile.
    const profileId = `prof_${event.eventId.slice(event.eventId.indexOf('_') + 1)}`;
    this.profiles.set(profileId, {
      profileId,
      mergedInto: null,
      eventCount: 0,
      createdAt: event.timestamp,
      identifiers: new Map(),
      isNew: true,
      dirty: true,
    });
    return profileId;
  }

  /** Folds every root into the one with the most events: the merge costs the smaller sides. */
  private mergeAll(roots: string[], event: EventToResolve): string {
    const nodes = roots.map((id) => this.profiles.get(id)).filter((n): n is ProfileNode => n !== undefined);
    nodes.sort((x, y) => y.eventCount - x.eventCount || (x.profileId < y.profileId ? -1 : 1));
    const [survivor, ...merged] = nodes;
    if (!survivor) throw new Error('merge without profiles');
    for (const loser of merged) {
      this.merges.push({
        survivorId: survivor.profileId,
        profileId: loser.profileId,
        eventId: event.eventId,
        identifiers: [...loser.identifiers.values()].map(({ type, value }) => ({ type, value })),
        stored: !loser.isNew,
      });
      for (const [key, node] of loser.identifiers) {
        node.profileId = survivor.profileId;
        node.dirty = true;
        survivor.identifiers.set(key, node);
      }
      loser.identifiers.clear();
      loser.mergedInto = survivor.profileId;
      loser.dirty = true;
      survivor.eventCount += loser.eventCount;
      if (loser.createdAt < survivor.createdAt) survivor.createdAt = loser.createdAt;
      survivor.dirty = true;
    }
    return survivor.profileId;
  }

  private attach(profileId: string, identifiers: Identifier[], timestamp: string): void {
    const profile = this.profiles.get(profileId);
    if (!profile) throw new Error(`unknown profile ${profileId}`);
    profile.eventCount += 1;
    if (timestamp < profile.createdAt) profile.createdAt = timestamp;
    profile.dirty = true;
    for (const { type, value } of identifiers) {
      const key = identifierKey(type, value);
      const node = this.identifiers.get(key);
      if (node === undefined) {
        const created = { type, value, profileId, firstSeen: timestamp, lastSeen: timestamp, dirty: true };
        this.identifiers.set(key, created);
        profile.identifiers.set(key, created);
      } else if (Date.parse(timestamp) - Date.parse(node.lastSeen) >= LAST_SEEN_STEP_MS) {
        node.lastSeen = timestamp;
        node.dirty = true;
      }
    }
  }
}
