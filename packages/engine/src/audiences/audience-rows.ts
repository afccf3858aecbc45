import type { Audience, AudienceRule } from '@tandem/contract';
import type { Selectable } from 'kysely';
import type { AudiencesTable } from '../store/index.js';

export function audienceOf(row: Selectable<AudiencesTable>): Audience {
  // Written by this module from a validated rule.
  const rule = JSON.parse(row.rule) as AudienceRule;
  return {
    id: row.audience_id,
    name: row.name,
    rule,
    requiredPurpose: row.required_purpose ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
