import { createHash } from 'node:crypto';
import type { Identity, StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf, identifiersOfProfiles } from '../identity/index.js';
import { traitsOfProfiles } from '../profiles/index.js';
import type { Database } from '../store/index.js';

// The bodies of deliveries, as the contract describes them (webhook bodies; every transport
// sends the same), and their stable ids.

export interface ProfileSection {
  readonly id: string;
  readonly traits: Record<string, unknown>;
  readonly identities: Identity[];
}

/** Stable for a cause: the same event (or change) to the same subscription is one delivery. */
export function deliveryIdOf(destinationId: string, cause: string, subscription: number): string {
  const digest = createHash('sha256').update(`${destinationId}|${cause}|${subscription}`).digest('hex');
  return `dlv_${digest.slice(0, 32)}`;
}

/** Traits (at most `maxTraits`) and identities of each profile, as the bodies carry them. */
export async function profileSections(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  maxTraits = 500,
): Promise<Map<string, ProfileSection>> {
  const sections = new Map<string, ProfileSection>(
    profileIds.map((id) => [id, { id, traits: {}, identities: [] }]),
  );
  for (const chunk of chunksOf([...new Set(profileIds)])) {
    for (const row of await traitsOfProfiles(db, workspaceId, chunk)) {
      const section = sections.get(row.profile_id);
      if (!section || Object.keys(section.traits).length >= maxTraits) continue;
      Object.defineProperty(section.traits, row.name, {
        value: parseJson(row.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    for (const row of await identifiersOfProfiles(db, workspaceId, chunk))
      sections.get(row.profile_id)?.identities.push({ type: row.type, value: row.value });
  }
  return sections;
}

export function eventBody(event: StoredEvent, profile: ProfileSection, deliveryId: string) {
  return { type: 'event', event, profile, occurredAt: event.timestamp, deliveryId };
}

export function audienceBody(
  transition: 'entered' | 'exited',
  audience: { id: string; name: string },
  profile: ProfileSection,
  occurredAt: string,
  deliveryId: string,
) {
  return { type: `audience.${transition}`, audience, profile, occurredAt, deliveryId };
}

export function traitBody(
  trait: { id: string; name: string; value: unknown; previous: unknown },
  profile: ProfileSection,
  occurredAt: string,
  deliveryId: string,
) {
  return { type: 'trait.changed', trait, profile, occurredAt, deliveryId };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
