import { createHash } from 'node:crypto';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

// Customer-match normalization as the ad platforms document it, then SHA-256 (hex, lower case).
// Google Ads, "Customer Match data upload guidelines" (hashing): email trimmed and lower-cased,
// periods before the @ removed for gmail.com / googlemail.com; phone in E.164 (with +); first and
// last name trimmed and lower-cased; country code and zip sent in clear.
// Meta, "Custom Audiences: customer file" (normalization): EMAIL trimmed, lower-cased; PHONE digits
// only with the country code, no + nor leading zeros; FN / LN / CT lower-cased letters only; ST
// lower-cased, no punctuation or spaces; ZIP lower-cased without spaces (US: first 5 digits);
// COUNTRY lower-case ISO 3166-1 alpha-2; every one of them hashed.

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** What the lists are made of, read from a profile. */
export interface ContactFields {
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly city?: string | undefined;
  readonly state?: string | undefined;
  readonly zip?: string | undefined;
  readonly country?: string | undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * The contact fields of a profile: Segment's reserved traits (email, phone, firstName, lastName,
 * address.{city,state,postalCode,country}), else its email / phone identities.
 */
export function contactFieldsOf(profile: {
  readonly traits?: Readonly<Record<string, unknown>> | undefined;
  readonly identities?: readonly { readonly type: string; readonly value: string }[] | undefined;
}): ContactFields {
  const traits = record(profile.traits);
  const address = record(traits.address);
  const identity = (type: string) => profile.identities?.find((i) => i.type === type)?.value;
  return {
    email: text(traits.email) ?? identity('email'),
    // An identity's phone is already E.164 (normalized with the workspace's default country).
    phone: identity('phone') ?? text(traits.phone),
    firstName: text(traits.firstName) ?? text(traits.first_name),
    lastName: text(traits.lastName) ?? text(traits.last_name),
    city: text(address.city) ?? text(traits.city),
    state: text(address.state) ?? text(traits.state),
    zip: text(address.postalCode) ?? text(address.postal_code) ?? text(traits.postalCode) ?? text(traits.zip),
    country: text(address.country) ?? text(traits.country),
  };
}

/** A two-letter country code, upper case, or undefined. */
function isoCountry(country: string | undefined): CountryCode | undefined {
  const code = country?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? (code as CountryCode) : undefined;
}

/** E.164 (`+16502530000`), or undefined when the number cannot be read as a valid one. */
export function e164(phone: string | undefined, country?: string | undefined): string | undefined {
  if (!phone) return undefined;
  const parsed = parsePhoneNumberFromString(phone.trim(), isoCountry(country));
  return parsed?.isValid() ? parsed.number : undefined;
}

/** Google's email normalization. */
export function googleEmail(email: string | undefined): string | undefined {
  const normalized = email?.trim().toLowerCase();
  if (!normalized?.includes('@')) return undefined;
  const at = normalized.lastIndexOf('@');
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  return domain === 'gmail.com' || domain === 'googlemail.com'
    ? `${local.replace(/\./g, '')}@${domain}`
    : normalized;
}

/** Meta's email normalization. */
export function metaEmail(email: string | undefined): string | undefined {
  const normalized = email?.trim().toLowerCase();
  return normalized?.includes('@') ? normalized : undefined;
}

/** Meta's phone: E.164 digits without the +. */
export function metaPhone(phone: string | undefined, country?: string | undefined): string | undefined {
  return e164(phone, country)?.slice(1);
}

const lettersOnly = (value: string | undefined) =>
  value?.toLowerCase().replace(/[^\p{L}]/gu, '') || undefined;
const lowerTrim = (value: string | undefined) => value?.trim().toLowerCase() || undefined;
const hashed = (value: string | undefined) => (value === undefined ? '' : sha256Hex(value));

/** Google Customer Match upload columns (its CSV template, hashed). */
export const GOOGLE_COLUMNS = ['Email', 'Phone', 'First Name', 'Last Name', 'Country', 'Zip'] as const;

export function googleRow(fields: ContactFields): string[] | undefined {
  const email = googleEmail(fields.email);
  const phone = e164(fields.phone, fields.country);
  // Names and address only match together with an email or phone: without either, no row.
  if (!email && !phone) return undefined;
  return [
    hashed(email),
    hashed(phone),
    hashed(lowerTrim(fields.firstName)),
    hashed(lowerTrim(fields.lastName)),
    isoCountry(fields.country) ?? '',
    fields.zip?.trim() ?? '',
  ];
}

/** Meta customer-file columns; EXTERN_ID (the profile id) is sent in clear, as Meta allows. */
export const META_COLUMNS = [
  'EMAIL',
  'PHONE',
  'FN',
  'LN',
  'CT',
  'ST',
  'ZIP',
  'COUNTRY',
  'EXTERN_ID',
] as const;

export function metaRow(profileId: string, fields: ContactFields): string[] | undefined {
  const email = metaEmail(fields.email);
  const phone = metaPhone(fields.phone, fields.country);
  if (!email && !phone) return undefined;
  const country = isoCountry(fields.country)?.toLowerCase();
  let zip = fields.zip?.toLowerCase().replace(/\s+/g, '') || undefined;
  if (country === 'us' && zip) zip = zip.match(/^\d{5}/)?.[0] ?? zip;
  return [
    hashed(email),
    hashed(phone),
    hashed(lettersOnly(fields.firstName)),
    hashed(lettersOnly(fields.lastName)),
    hashed(lettersOnly(fields.city)),
    hashed(fields.state?.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') || undefined),
    hashed(zip),
    hashed(country),
    profileId,
  ];
}
