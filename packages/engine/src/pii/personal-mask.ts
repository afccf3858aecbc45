import { PERSONAL_MASK, personalFieldKey } from '@tandem/contract';

const CRM_TRAIT = /^crm_./;
const EMAIL = /^([^@\s])[^@\s]*@([^@\s.])[^@\s]*?(\.[^@\s.]+)?$/;

/**
 * A personal value as a caller without access sees it: an email keeps its first letters and
 * top-level domain (`j•••@e•••.com`) so a list stays readable; any other text, number or
 * boolean becomes `•••`; objects (an address) and arrays keep their shape with each part masked;
 * null stays null (an empty field is not a secret).
 */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, part]) => [key, maskValue(part)]));
  }
  if (typeof value === 'string') {
    const email = EMAIL.exec(value);
    if (email) return `${email[1]}${PERSONAL_MASK}@${email[2]}${PERSONAL_MASK}${email[3] ?? ''}`;
  }
  return PERSONAL_MASK;
}

/**
 * The personal fields one caller (a role) or one destination must not see: `hides(field)`
 * answers for a field name, `record(values)` masks a record's personal keys at any depth
 * (an event's `properties.user.email` too).
 */
export class PersonalMask {
  private readonly hidden: ReadonlySet<string>;

  constructor(fields: Iterable<string>) {
    this.hidden = new Set([...fields].map(personalFieldKey));
  }

  /**
   * Whether `field` (a trait, custom field, identifier type or column) is masked. A CRM custom
   * field's value is also a `crm_<key>` trait: marking the field marks that trait.
   */
  hides(field: string): boolean {
    if (this.hidden.has(personalFieldKey(field))) return true;
    return CRM_TRAIT.test(field) && this.hidden.has(personalFieldKey(field.slice(4)));
  }

  /** A copy of `values` with each personal key's value masked, nested records included. */
  record(values: Record<string, unknown>): Record<string, unknown> {
    return maskPersonal(values, this);
  }

  /** Identifiers with the value of a personal type (email, phone) masked. */
  identities<T extends { type: string; value: string }>(identities: readonly T[]): T[] {
    return identities.map((identity) =>
      this.hides(identity.type) ? { ...identity, value: String(maskValue(identity.value)) } : identity,
    );
  }

  /** One value of `field`: masked when the field is personal. */
  value<T>(field: string, value: T): T | string {
    if (!this.hides(field) || value === null || value === undefined) return value;
    const masked = maskValue(value);
    return typeof masked === 'string' ? masked : PERSONAL_MASK;
  }
}

/** `values` with every key `mask` hides masked, at any depth; the input is not changed. */
export function maskPersonal(values: Record<string, unknown>, mask: PersonalMask): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    masked[key] = mask.hides(key) ? maskValue(value) : maskNested(value, mask);
  }
  return masked;
}

// Personal keys inside a non-personal value: `properties.user.email`, `products[0].email`.
function maskNested(value: unknown, mask: PersonalMask): unknown {
  if (Array.isArray(value)) return value.map((item) => maskNested(item, mask));
  if (value !== null && typeof value === 'object') {
    return maskPersonal(value as Record<string, unknown>, mask); // JSON: an object here is a record
  }
  return value;
}

/**
 * A Segment call or stored event with its personal fields masked: properties, traits and
 * `context.traits` (not the whole call: its `name` is a page's, `context.os.name` a system's).
 */
export function maskCall(call: Record<string, unknown>, mask: PersonalMask): Record<string, unknown> {
  const masked = { ...call };
  for (const part of ['properties', 'traits'] as const) {
    const values = asRecord(call[part]);
    if (values) masked[part] = mask.record(values);
  }
  const context = asRecord(call.context);
  const contextTraits = asRecord(context?.traits);
  if (context && contextTraits) masked.context = { ...context, traits: mask.record(contextTraits) };
  return masked;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>) // JSON: a non-array object is a record
    : undefined;
}
