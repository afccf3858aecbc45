import { z } from 'zod';
import { RoleSchema } from './access.js';

/**
 * Fields marked personal until a workspace says otherwise: email, phone, name (and its parts),
 * address (and its parts). A name marks a profile trait and a CRM custom field of that key.
 */
export const DEFAULT_PERSONAL_FIELDS = [
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
  'address',
  'street',
  'city',
  'state',
  'postalCode',
  'country',
] as const;

/** What a masked value shows in place of the hidden text (also inside a masked email). */
export const PERSONAL_MASK = '•••';

/** Whether a value, as the API answered it, was masked, or holds masked parts (an address). */
export function isMaskedValue(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(PERSONAL_MASK);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isMaskedValue);
  return false;
}

/**
 * The key a personal field is matched by: case and separators ignored, so marking `firstName`
 * also marks `first_name` and `FirstName`.
 */
export function personalFieldKey(field: string): string {
  return field.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Most personal fields a workspace marks, and most fields one role's allowlist names. */
export const MAX_PERSONAL_FIELDS = 200;
/** Most destinations a workspace lets receive personal data unmasked. */
export const MAX_UNMASKED_DESTINATIONS = 200;

const FieldNameSchema = z.string().trim().min(1).max(200);

/** A workspace's personal-data controls. */
export const PiiSettingsSchema = z
  .object({
    personalFields: z
      .array(z.string())
      .describe('Traits and CRM custom fields holding personal data (matched ignoring case and separators)'),
    roleAllowlists: z
      .partialRecord(RoleSchema, z.array(z.string()))
      .describe('Per role without pii:read: the personal fields it may still see unmasked'),
    unmaskedDestinations: z
      .array(z.string())
      .describe(
        'Destinations (warehouses) that receive personal fields unmasked; all others get them masked',
      ),
    updatedAt: z.string().nullable().describe('Null while the workspace uses the defaults'),
  })
  .meta({ id: 'PiiSettings' });
export type PiiSettings = z.infer<typeof PiiSettingsSchema>;

/** The whole settings, replaced at once (PUT). */
export const UpdatePiiSettingsSchema = z.strictObject({
  personalFields: z.array(FieldNameSchema).max(MAX_PERSONAL_FIELDS),
  roleAllowlists: z.partialRecord(RoleSchema, z.array(FieldNameSchema).max(MAX_PERSONAL_FIELDS)).default({}),
  unmaskedDestinations: z.array(z.string().trim().min(1).max(100)).max(MAX_UNMASKED_DESTINATIONS).default([]),
});
export type UpdatePiiSettings = z.input<typeof UpdatePiiSettingsSchema>;

/** What the caller sees of personal data: the fields it gets masked (none with pii:read). */
export const PersonalDataAccessSchema = z
  .object({
    role: RoleSchema,
    maskedFields: z.array(z.string()).describe('Personal fields this caller sees masked'),
  })
  .meta({ id: 'PersonalDataAccess' });
export type PersonalDataAccess = z.infer<typeof PersonalDataAccessSchema>;
