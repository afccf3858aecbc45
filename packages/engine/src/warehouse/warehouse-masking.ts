import type { DeliveryMessage } from '../destinations/index.js';
import { maskCall, type PersonalMask } from '../pii/index.js';
import { asRecord, type WarehouseProfile } from './warehouse-writer.js';

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
  if (event) masked.event = maskCall(event, mask);
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

function isIdentity(value: unknown): value is { type: string; value: string } {
  const identity = asRecord(value);
  return typeof identity?.type === 'string' && typeof identity.value === 'string';
}
