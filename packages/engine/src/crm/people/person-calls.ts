import type { Kysely } from 'kysely';
import { normalizeCall } from '../../collect/index.js';
import { AppError } from '../../errors/index.js';
import { callIdentifierFields, type IdentityService } from '../../identity/index.js';
import { appendWithin } from '../../log/index.js';
import type { Database } from '../../store/index.js';
import type { CrmEvents } from '../crm-events.js';

/**
 * Appends an identify call under the CRM's internal source, in the caller's transaction: how a
 * person typed in by hand becomes a profile (unify merges a known email like any other), and how
 * CRM fields reach the profile's traits (audiences use them as `crm_*` traits).
 */
export async function appendIdentifyWithin(
  db: Kysely<Database>,
  crmEvents: CrmEvents,
  input: { workspaceId: string; call: Record<string, unknown>; at: string },
): Promise<void> {
  await appendIdentifiesWithin(db, crmEvents, {
    workspaceId: input.workspaceId,
    calls: [input.call],
    at: input.at,
  });
}

/** Identify calls under the CRM's internal source, in the caller's transaction, in one append. */
async function appendIdentifiesWithin(
  db: Kysely<Database>,
  crmEvents: CrmEvents,
  input: { workspaceId: string; calls: readonly Record<string, unknown>[]; at: string },
): Promise<void> {
  if (input.calls.length === 0) return;
  const sourceId = await crmEvents.sourceOf(db, input.workspaceId);
  const received = new Date();
  const events = input.calls.map((call) => {
    const verdict = normalizeCall(
      { type: 'identify', timestamp: input.at, ...call },
      { shared: undefined, request: {}, received: { ms: received.getTime(), iso: received.toISOString() } },
    );
    if (!verdict.ok) {
      throw new AppError('unprocessable', verdict.error.message, {
        details: [{ path: '', message: verdict.error.message }],
      });
    }
    return verdict.value;
  });
  await appendWithin(db, { workspaceId: input.workspaceId, sourceId, events, rejections: [] });
}

/** Sets traits on an existing profile, naming it by its most trusted identifier. */
export async function appendTraitsWithin(
  db: Kysely<Database>,
  deps: { crmEvents: CrmEvents; identity: IdentityService },
  input: {
    workspaceId: string;
    profileId: string;
    traits: Record<string, unknown>;
    at: string;
    messageId: string;
  },
): Promise<void> {
  const { workspaceId, at, ...change } = input;
  await appendTraitsOfProfilesWithin(db, deps, { workspaceId, at, changes: [change] });
}

/**
 * Sets traits on many existing profiles at once (predictions publish thousands per refresh): one
 * read of their identifiers and one append of all their identify calls.
 */
export async function appendTraitsOfProfilesWithin(
  db: Kysely<Database>,
  deps: { crmEvents: CrmEvents; identity: IdentityService },
  input: {
    workspaceId: string;
    at: string;
    changes: readonly { profileId: string; traits: Record<string, unknown>; messageId: string }[];
  },
): Promise<void> {
  if (input.changes.length === 0) return;
  const identities = await deps.identity.identitiesOf(
    input.workspaceId,
    input.changes.map((change) => change.profileId),
    db,
  );
  const calls: Record<string, unknown>[] = [];
  for (const change of input.changes) {
    const known = identities.get(change.profileId) ?? [];
    // A user or anonymous id names the profile without giving it another identifier.
    const who =
      known.find((i) => i.type === 'user_id') ?? known.find((i) => i.type === 'anonymous_id') ?? known[0];
    if (!who) continue;
    // identify reads email and phone from its traits, not from context.traits.
    const named = who.type === 'email' || who.type === 'phone' ? { [who.type]: who.value } : {};
    calls.push({
      ...callIdentifierFields(who, change.profileId),
      traits: { ...change.traits, ...named },
      messageId: change.messageId,
    });
  }
  await appendIdentifiesWithin(db, deps.crmEvents, { workspaceId: input.workspaceId, calls, at: input.at });
}
