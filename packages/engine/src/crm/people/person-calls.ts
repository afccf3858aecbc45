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
  const sourceId = await crmEvents.sourceOf(db, input.workspaceId);
  const received = new Date();
  const verdict = normalizeCall(
    { type: 'identify', timestamp: input.at, ...input.call },
    { shared: undefined, request: {}, received: { ms: received.getTime(), iso: received.toISOString() } },
  );
  if (!verdict.ok) {
    throw new AppError('unprocessable', verdict.error.message, {
      details: [{ path: '', message: verdict.error.message }],
    });
  }
  await appendWithin(db, {
    workspaceId: input.workspaceId,
    sourceId,
    events: [verdict.value],
    rejections: [],
  });
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
  const identities = await deps.identity.identitiesOf(input.workspaceId, [input.profileId], db);
  const known = identities.get(input.profileId) ?? [];
  // A user or anonymous id names the profile without giving it another identifier.
  const who =
    known.find((i) => i.type === 'user_id') ?? known.find((i) => i.type === 'anonymous_id') ?? known[0];
  if (!who) return;
  // identify reads email and phone from its traits, not from context.traits.
  const named = who.type === 'email' || who.type === 'phone' ? { [who.type]: who.value } : {};
  await appendIdentifyWithin(db, deps.crmEvents, {
    workspaceId: input.workspaceId,
    at: input.at,
    call: {
      ...callIdentifierFields(who, input.profileId),
      traits: { ...input.traits, ...named },
      messageId: input.messageId,
    },
  });
}
