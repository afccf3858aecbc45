import type { Identity } from '@tandem/contract';

type Person = { id: string; traits: Record<string, unknown>; identities: readonly Identity[] };

/** The name to show for a person: a name trait, else first and last name, else email, else an id. */
export function profileName(person: Person): string {
  const { traits } = person;
  const name = text(traits.name);
  if (name) return name;
  const fullName = [text(traits.firstName ?? traits.first_name), text(traits.lastName ?? traits.last_name)]
    .filter(Boolean)
    .join(' ');
  return fullName || profileEmail(person) || person.identities[0]?.value || person.id;
}

/** The email trait, else an email identifier; `null` for people known only by other ids. */
export function profileEmail(person: Person): string | null {
  return text(person.traits.email) ?? person.identities.find((id) => id.type === 'email')?.value ?? null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
