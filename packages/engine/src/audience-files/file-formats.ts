import type { AUDIENCE_FILE_FORMATS } from '@tandem/contract';
import { contactFieldsOf, GOOGLE_COLUMNS, googleRow, META_COLUMNS, metaRow } from './customer-match.js';

// How one profile becomes one line of each format. Customer-match formats leave out a profile with
// neither an email nor a phone: the platforms could not match it.

export type AudienceFileFormat = (typeof AUDIENCE_FILE_FORMATS)[number];

/** A profile as audience files read it (the delivery body's `profile`). */
export interface FileProfile {
  readonly id: string;
  readonly traits?: Readonly<Record<string, unknown>> | undefined;
  readonly identities?: readonly { readonly type: string; readonly value: string }[] | undefined;
}

export interface LineContext {
  readonly audience: { readonly id: string; readonly name: string };
  /** When the profile entered or left (incremental files), or when the export ran (full files). */
  readonly occurredAt: string;
}

const CSV_COLUMNS = ['profile_id', 'user_id', 'email', 'phone', 'first_name', 'last_name', 'traits'] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
const csvLine = (fields: readonly string[]) => fields.map(csvField).join(',');

/** The header line of a format, without its line break; undefined for NDJSON. */
export function headerOf(format: AudienceFileFormat): string | undefined {
  switch (format) {
    case 'csv':
      return csvLine(CSV_COLUMNS);
    case 'google-customer-match':
      return csvLine(GOOGLE_COLUMNS);
    case 'meta-custom-audience':
      return csvLine(META_COLUMNS);
    case 'ndjson':
      return undefined;
  }
}

/** The profile's line, without its line break; undefined when the format has no use for it. */
export function lineOf(
  format: AudienceFileFormat,
  profile: FileProfile,
  context: LineContext,
): string | undefined {
  const fields = contactFieldsOf(profile);
  switch (format) {
    case 'csv':
      return csvLine([
        profile.id,
        profile.identities?.find((i) => i.type === 'user_id')?.value ?? '',
        fields.email ?? '',
        fields.phone ?? '',
        fields.firstName ?? '',
        fields.lastName ?? '',
        JSON.stringify(profile.traits ?? {}),
      ]);
    case 'ndjson':
      return JSON.stringify({
        profileId: profile.id,
        audience: context.audience,
        occurredAt: context.occurredAt,
        traits: profile.traits ?? {},
        identities: profile.identities ?? [],
      });
    case 'google-customer-match': {
      const row = googleRow(fields);
      return row && csvLine(row);
    }
    case 'meta-custom-audience': {
      const row = metaRow(profile.id, fields);
      return row && csvLine(row);
    }
  }
}

export function extensionOf(format: AudienceFileFormat): string {
  return format === 'ndjson' ? 'ndjson' : 'csv';
}

export function contentTypeOf(format: AudienceFileFormat): string {
  return format === 'ndjson' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
}
