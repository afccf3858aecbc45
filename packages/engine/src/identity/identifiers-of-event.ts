import type { StoredEvent } from '@tandem/contract';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityRules } from './identity-rules.js';

/** An identifier of a person: its type and normalized value. */
export interface Identifier {
  readonly type: string;
  readonly value: string;
}

/** Why a value was not used as an identifier. */
export type IdentifierRejection = { readonly type: string; readonly reason: 'invalid' | 'blocked' };

/** What an event says about who did it. */
export interface EventIdentifiers {
  readonly identifiers: Identifier[];
  /** alias: the previous id, resolved by the graph as a user_id it knows, else an anonymous_id. */
  readonly previousId: string | null;
  readonly rejections: IdentifierRejection[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_VALUE_LENGTH = 500;

/** The event's identifiers, normalized; blocked and invalid values are left out and reported. */
export function identifiersOfEvent(event: StoredEvent, rules: IdentityRules): EventIdentifiers {
  const found: Identifier[] = [];
  const rejections: IdentifierRejection[] = [];
  const add = (type: string, raw: unknown) => {
    if (raw == null || raw === '') return;
    const normalized = normalizeIdentifier(type, raw, rules);
    if ('reason' in normalized) rejections.push({ type, reason: normalized.reason });
    else if (!found.some((i) => i.type === type && i.value === normalized.value)) found.push(normalized);
  };
  const payload = event.payload;
  const context = objectOr(payload.context);
  // identify carries the person's traits; other calls may repeat them in context.traits.
  const traits = event.type === 'identify' ? objectOr(payload.traits) : objectOr(context.traits);
  add('user_id', event.userId);
  add('anonymous_id', event.anonymousId);
  add('email', traits.email);
  add('phone', traits.phone);
  add('device_id', objectOr(context.device).id);
  const external = new Set(rules.settings.externalIdTypes);
  if (external.size > 0) {
    for (const item of Array.isArray(context.externalIds) ? context.externalIds : []) {
      const { id, type } = objectOr(item);
      if (typeof type === 'string' && external.has(type)) add(type, id);
    }
    for (const type of external) add(type, traits[type]);
  }
  let previousId: string | null = null;
  if (event.type === 'alias') {
    const previous = normalizeIdentifier('anonymous_id', payload.previousId, rules);
    if ('reason' in previous) rejections.push({ type: 'anonymous_id', reason: previous.reason });
    else previousId = previous.value;
  }
  return { identifiers: found, previousId, rejections };
}

/** One value as an identifier of `type`, or why it cannot be one. */
export function normalizeIdentifier(
  type: string,
  raw: unknown,
  rules: IdentityRules,
): Identifier | { readonly reason: 'invalid' | 'blocked' } {
  if (typeof raw !== 'string' && typeof raw !== 'number') return { reason: 'invalid' };
  const text = String(raw).trim();
  if (text === '' || text.length > MAX_VALUE_LENGTH) return { reason: 'invalid' };
  if (rules.isBlocked(text)) return { reason: 'blocked' };
  switch (type) {
    case 'email': {
      const email = text.toLowerCase();
      return EMAIL.test(email) ? { type, value: email } : { reason: 'invalid' };
    }
    case 'phone': {
      // Two upper-case letters (checked by the settings schema); an unknown code fails parsing.
      const country = rules.settings.defaultCountry as Parameters<typeof parsePhoneNumberFromString>[1];
      const phone = parsePhoneNumberFromString(text, country);
      return phone?.isValid() ? { type, value: phone.number } : { reason: 'invalid' };
    }
    default:
      return { type, value: text };
  }
}

function objectOr(value: unknown): Record<string, unknown> {
  // Payloads are parsed JSON: a non-null, non-array object is a record.
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
