/**
 * The identifier fields of a Segment call that names an existing profile by one of its
 * identities, for events Tandem appends itself (audience changes, CRM changes). Segment calls
 * need a userId or anonymousId; a profile known only by email (or a device, or an external id)
 * gets an anonymous id of its own, so the event can never link two people.
 */
export function callIdentifierFields(
  who: { type: string; value: string },
  profileId: string,
): Record<string, unknown> {
  const anonymousId = `tandem:${profileId}`;
  switch (who.type) {
    case 'user_id':
      return { userId: who.value };
    case 'anonymous_id':
      return { anonymousId: who.value };
    case 'email':
    case 'phone':
      return { anonymousId, context: { traits: { [who.type]: who.value } } };
    case 'device_id':
      return { anonymousId, context: { device: { id: who.value } } };
    default:
      return { anonymousId, context: { externalIds: [{ id: who.value, type: who.type }] } };
  }
}
