import { maskCall, type PersonalMask } from '../pii/index.js';

// A delivery body (the contract's shape) with its personal fields masked: the profile's traits
// and identities, the event's call (properties, traits, context.traits, in its stored `payload`),
// trait changes. Ids, event and audience names are never masked.

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>) // JSON: a non-array object is a record
    : undefined;

function isIdentity(value: unknown): value is { type: string; value: string } {
  const identity = asRecord(value);
  return typeof identity?.type === 'string' && typeof identity.value === 'string';
}

/** The body with the personal fields `mask` hides masked; the body given is not changed. */
export function maskDeliveryBody(
  body: Readonly<Record<string, unknown>>,
  mask: PersonalMask,
): Record<string, unknown> {
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
  if (event) {
    // A stored event keeps the call as received in `payload`; a mapped body may hold it flat.
    const call = maskCall(event, mask);
    const payload = asRecord(event.payload);
    masked.event = payload ? { ...call, payload: maskCall(payload, mask) } : call;
  }
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
  return masked;
}
