import { type DeliveryMessage, maskDeliveryBody } from '../destinations/index.js';
import type { PersonalMask } from '../pii/index.js';
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
  return { ...message, body: maskDeliveryBody(body, mask), rawBody: undefined };
}
