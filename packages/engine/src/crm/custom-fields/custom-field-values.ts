import type { CustomField, CustomFieldEntity, ErrorDetail } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { Database } from '../../store/index.js';
import { customFieldsOf } from './custom-field-definitions.js';

const MAX_TEXT = 10_000;
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const ID_PREFIX: Record<CustomFieldEntity, string> = {
  person: 'prof_',
  company: 'co_',
  deal: 'deal_',
  ticket: 'tick_',
};

/**
 * Checks custom field values written to a person, company or deal against the workspace's
 * definitions and answers the record's values after the write: `values` is a patch (null clears
 * a field), `existing` what the record holds (omitted for a new record, whose required fields
 * must then be given). Throws `unprocessable` naming every offending field.
 */
export async function validateCustomFields(
  db: Kysely<Database>,
  workspaceId: string,
  entity: CustomFieldEntity,
  values: Readonly<Record<string, unknown>>,
  existing?: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const definitions = await customFieldsOf(db, workspaceId, entity);
  const result = checkFieldValues(definitions, entity, values, existing);
  if (!result.ok) {
    const names = result.error.map((d) => d.path.replace(/^fields\./, '')).join(', ');
    throw new AppError(
      'unprocessable',
      `Invalid custom field value${result.error.length > 1 ? 's' : ''}: ${names}. ${result.error.map((d) => d.message).join(' ')}`,
      {
        details: result.error,
      },
    );
  }
  return result.value;
}

/** The pure check behind `validateCustomFields`: the values after the write, or each problem. */
export function checkFieldValues(
  definitions: readonly CustomField[],
  entity: CustomFieldEntity,
  values: Readonly<Record<string, unknown>>,
  existing?: Readonly<Record<string, unknown>>,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: ErrorDetail[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const problems: ErrorDetail[] = [];
  const next: Record<string, unknown> = { ...(existing ?? {}) };
  for (const [key, raw] of Object.entries(values)) {
    const definition = byKey.get(key);
    if (!definition) {
      problems.push({
        path: `fields.${key}`,
        message: `There is no custom field "${key}" on ${entity} records.`,
      });
      continue;
    }
    if (raw === null || raw === undefined) {
      delete next[key];
      continue;
    }
    const checked = checkValue(definition, raw);
    if ('problem' in checked) problems.push({ path: `fields.${key}`, message: checked.problem });
    else next[key] = checked.value;
  }
  for (const definition of definitions) {
    if (!definition.required || next[definition.key] !== undefined) continue;
    if (problems.some((p) => p.path === `fields.${definition.key}`)) continue;
    // An existing record that never had the field (defined required later) may still be edited.
    if (existing !== undefined && !(definition.key in values)) continue;
    problems.push({ path: `fields.${definition.key}`, message: `"${definition.label}" is required.` });
  }
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: next };
}

function checkValue(field: CustomField, raw: unknown): { value: unknown } | { problem: string } {
  const label = `"${field.label}"`;
  switch (field.type) {
    case 'text':
      if (typeof raw !== 'string') return { problem: `${label} takes text.` };
      if (raw.length > MAX_TEXT) return { problem: `${label} is longer than ${MAX_TEXT} characters.` };
      return { value: raw };
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return { problem: `${label} takes a number.` };
      return { value: raw };
    case 'date':
      if (typeof raw !== 'string' || !DATE.test(raw) || Number.isNaN(Date.parse(raw))) {
        return { problem: `${label} takes a date (YYYY-MM-DD).` };
      }
      return { value: raw };
    case 'boolean':
      if (typeof raw !== 'boolean') return { problem: `${label} takes true or false.` };
      return { value: raw };
    case 'select':
      if (typeof raw !== 'string' || !field.choices.includes(raw)) {
        return { problem: `${label} takes one of: ${field.choices.join(', ')}.` };
      }
      return { value: raw };
    case 'multi_select': {
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string' || !field.choices.includes(v))) {
        return { problem: `${label} takes a list of: ${field.choices.join(', ')}.` };
      }
      return { value: [...new Set(raw as string[])] };
    }
    case 'relation': {
      const target = field.relationTo ?? 'person';
      if (typeof raw !== 'string' || !raw.startsWith(ID_PREFIX[target])) {
        return { problem: `${label} takes the id of a ${target} (${ID_PREFIX[target]}…).` };
      }
      return { value: raw };
    }
    default: {
      const unknownType: never = field.type;
      throw new Error(`Unhandled custom field type ${String(unknownType)}`);
    }
  }
}
