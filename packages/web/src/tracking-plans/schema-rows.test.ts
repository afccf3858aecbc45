import { describe, expect, it } from 'vitest';
import { rowsOf, withRows } from './schema-rows';

describe('the property table of a JSON Schema', () => {
  const schema = {
    type: 'object',
    properties: {
      total: { type: 'number', minimum: 0 },
      at: { type: 'string', format: 'date-time' },
      tags: { type: ['string', 'null'] },
    },
    required: ['total'],
    additionalProperties: false,
  };

  it('reads each top-level property with its type and whether it is required', () => {
    expect(rowsOf(schema)).toEqual([
      { name: 'total', type: 'number', required: true },
      { name: 'at', type: 'string', required: false },
      { name: 'tags', type: 'any', required: false },
    ]);
  });

  it('writes rows back, keeping what the table does not show for unchanged types', () => {
    const rows = rowsOf(schema);
    expect(withRows(schema, rows)).toEqual(schema);
    const edited = withRows(schema, [
      { name: 'total', type: 'integer', required: false },
      { name: 'at', type: 'string', required: true },
      { name: 'coupon', type: 'string', required: false },
      { name: '', type: 'string', required: true },
    ]);
    expect(edited).toEqual({
      type: 'object',
      properties: {
        total: { type: 'integer' },
        at: { type: 'string', format: 'date-time' },
        coupon: { type: 'string' },
      },
      required: ['at'],
      additionalProperties: false,
    });
  });
});
