import type { CreateComputedTrait } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { definitionOf, emptyForm, FORM_ID, formOf, formProblemsFromServer } from './computed-trait-form';

const saved = (definition: CreateComputedTrait) => ({
  ...definition,
  id: 'ctr_1',
  createdAt: '',
  updatedAt: '',
});

describe('the computed-trait form', () => {
  it('round trips definitions of every shape', () => {
    const definitions: CreateComputedTrait[] = [
      { name: 'orders', kind: 'count', event: 'Order Completed' },
      { name: 'spend_30d', kind: 'sum', event: 'Order Completed', property: 'total', within: '30d' },
      {
        name: 'big_cities',
        kind: 'unique_list',
        event: 'Order Completed',
        property: 'city',
        where: [
          { property: 'total', op: 'gte', value: 100 },
          { property: 'coupon', op: 'not_exists' },
          { property: 'country', op: 'in', value: ['FR', 'DE'] },
        ],
      },
    ];
    for (const definition of definitions) {
      expect(definitionOf(formOf(saved(definition)))).toEqual({ definition, problems: [] });
    }
  });

  it('names the missing fields, and the property only for kinds that aggregate one', () => {
    expect(definitionOf(emptyForm()).problems.map((p) => p.field)).toEqual(['name', 'event']);
    const sum = { ...emptyForm(), name: 'x', event: 'E', kind: 'sum' as const };
    expect(definitionOf(sum).problems).toEqual([
      { nodeId: FORM_ID, field: 'property', message: 'Pick the property it aggregates.' },
    ]);
  });

  it('places the server’s errors on the field or where row they name', () => {
    const form = formOf(
      saved({
        name: 'n',
        kind: 'count',
        event: 'E',
        where: [{ property: 'at', op: 'before', value: 'soon' }],
      }),
    );
    expect(
      formProblemsFromServer(
        [
          { path: 'property', message: 'a sum trait needs the property it aggregates' },
          { path: 'body.definition.where.0.value', message: 'before needs an ISO 8601 date' },
        ],
        form,
      ),
    ).toEqual([
      { nodeId: FORM_ID, field: 'property', message: 'A sum trait needs the property it aggregates.' },
      { nodeId: form.where[0]?.id, field: 'value', message: 'Before needs an ISO 8601 date.' },
    ]);
  });
});
