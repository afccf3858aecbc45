import type { DeliveryMessage } from '../destinations/index.js';
import type { PersonalMask } from '../pii/index.js';
import type { WarehouseProfile } from './warehouse-writer.js';

// A warehouse receives personal fields masked unless the workspace's PII settings list it among
// the unmasked destinations: the masks apply to the profile's traits and identities, an event's
// properties and traits, and trait changes, never to ids or audience names.

/** Where a warehouse learns the mask of its destination (null: everything unmasked). */
export type WarehouseMaskOf = (workspaceId: string, destinationId: string) => Promise<PersonalMask | null>;

/** A full sync's profile with its personal fields masked. */
export function maskWarehouseProfile(profile: WarehouseProfile, mask: PersonalMask): WarehouseProfile {
  return {
    ...profile,
    traits: mask.record({ ...profile.traits }),
    identities: mask.identities(profile.identities),
  };
}

/** A delivery's body (the contract's shape) with its personal fields masked. */
export function maskDeliveryMessage(message: DeliveryMessage, mask: PersonalMask): DeliveryMessage {
  const body = asRecord(message.body);
  if (!body) return message;
  const masked: Record<string, unknown> = { ...body };
  const profile = asRecord(body.profile);
  if (profile) {
    masked.profile = {
      ...profile,
      traits: mask.record(asRecord(profile.traits) ?? {}),
      identities: Array.isArray(profile.identities)
        ? mask.identities(profile.identities.filter(isIdentity))
        : profile.identities,
    };
  }
  const event = asRecord(body.event);
  if (event) masked.event = maskEvent(event, mask);
  const changes = asRecord(body.changes);
  if (changes) masked.changes = mask.record(changes);
  const trait = asRecord(body.trait);
  if (trait && typeof trait.name === 'string' && mask.hides(trait.name)) {
    masked.trait = {
      ...trait,
      value: mask.value(trait.name, trait.value),
      previous: mask.value(trait.name, trait.previous),
    };
  }
  return { ...message, body: masked, rawBody: undefined };
}

// Not the whole event: its `name` is a page's name, not a person's.
function maskEvent(event: Record<string, unknown>, mask: PersonalMask): Record<string, unknown> {
  const masked = { ...event };
  for (const part of ['properties', 'traits'] as const) {
    const values = asRecord(event[part]);
    if (values) masked[part] = mask.record(values);
  }
  // context.traits only: context.app.name or context.os.name are not a person's name.
  const context = asRecord(event.context);
  const contextTraits = asRecord(context?.traits);
  if (context && contextTraits) masked.context = { ...context, traits: mask.record(contextTraits) };
  return masked;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>) // JSON: a non-array object is a record
    : undefined;
}

function isIdentity(value: unknown): value is { type: string; value: string } {
  const identity = asRecord(value);
  return typeof identity?.type === 'string' && typeof identity.value === 'string';
}
