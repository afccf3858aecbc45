import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPersonal, PersonalMask } from './index.js';

// The masking rule, for any record: no personal value comes out whole (an email keeps only its
// first letters and top-level domain), and every value outside the personal keys is untouched.

const mask = new PersonalMask(['email', 'phone', 'name', 'address']);
const KEYS = ['email', 'phone', 'name', 'address', 'plan', 'age', 'city', 'tags'];
const leaf = fc.oneof(
  fc.string({ minLength: 4 }),
  fc.emailAddress(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const record = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), tie('record')),
  record: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
})).record as fc.Arbitrary<Record<string, unknown>>;

/** Every text under a personal key, at any depth. */
function personalTexts(value: unknown, personal = false): string[] {
  if (typeof value === 'string') return personal ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => personalTexts(item, personal));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, part]) => personalTexts(part, personal || mask.hides(key)));
  }
  return [];
}

/** The record with every personal key's value replaced by a marker, at any depth. */
function withoutPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonal);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, part]) => [key, mask.hides(key) ? 'personal' : withoutPersonal(part)]),
    );
  }
  return value;
}

describe('masking personal fields, for any record', () => {
  it('never answers a personal text whole, and leaves everything else as it was', () => {
    let sawPersonal = 0;
    fc.assert(
      fc.property(record, (values) => {
        const masked = maskPersonal(values, mask);
        const shown = JSON.stringify(masked);
        // Short texts could be in the mask or in other values by chance: texts of 8 or more only.
        for (const text of personalTexts(values).filter((text) => text.length >= 8)) {
          sawPersonal += 1;
          expect(shown).not.toContain(JSON.stringify(text).slice(1, -1));
        }
        expect(withoutPersonal(masked)).toEqual(withoutPersonal(values));
      }),
      { numRuns: 300 },
    );
    // The generator did produce personal values to hide.
    expect(sawPersonal).toBeGreaterThan(50);
  });
});
