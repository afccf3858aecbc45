import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberSpan } from './json-member.js';

// Member names that collide with the one sought in nested objects, values and strings with escapes.
const name = fc.constantFrom('properties', 'traits', 'context', 'a"b', 'back\\slash', 'propertie');
const value = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.constantFrom('properties', '"properties":', '\\', '"', '{"properties":1}'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(name, fc.string()), tie('json'), { maxKeys: 4 }),
  ),
})).json;

describe('a top-level member of a JSON object’s text', () => {
  it('is found exactly where JSON.parse puts it, whatever surrounds it', () => {
    let found = 0;
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(name, fc.string()), value, { maxKeys: 6 }),
        name,
        (object, sought) => {
          const json = JSON.stringify(object);
          const span = memberSpan(json, sought);
          const parsed = JSON.parse(json) as Record<string, unknown>;
          if (!Object.hasOwn(parsed, sought)) {
            expect(span).toBeUndefined();
            return;
          }
          found++;
          expect(span).toBeDefined();
          if (span) expect(JSON.parse(json.slice(span.start, span.end))).toEqual(parsed[sought]);
        },
      ),
      { numRuns: 2000 },
    );
    // Some runs must have had the member, or the property proves nothing.
    expect(found).toBeGreaterThan(100);
  });
});
