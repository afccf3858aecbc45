import type { ErrorDetail } from '@tandem/contract';
import type { Result } from '../../errors/index.js';

/**
 * Checks the custom field values of a deal before they are stored. The one place deals'
 * `fields` are validated: when custom field definitions exist (the people domain's
 * `validateCustomFields`), call it here with the `deal` entity.
 */
export function validateDealFields(
  fields: Record<string, unknown>,
): Result<Record<string, unknown>, ErrorDetail[]> {
  const problems: ErrorDetail[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (!isFieldValue(value))
      problems.push({ path: `fields.${key}`, message: 'a text, number, boolean, null or a list of them' });
  }
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: fields };
}

function isFieldValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return (
    Array.isArray(value) && value.every((item) => item !== null && !Array.isArray(item) && isFieldValue(item))
  );
}
