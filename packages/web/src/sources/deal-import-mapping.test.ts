import type { CustomField } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { columnsOfHead, dealMappingSpec, guessDealMapping } from './deal-import-mapping';

const seats = { key: 'seats', label: 'Seat count', type: 'number' } as CustomField;

describe('deal import mapping', () => {
  it('reads the columns of a CSV header, quotes and a BOM included, and of an NDJSON object', () => {
    expect(columnsOfHead('\uFEFFDeal,"Amount, EUR","Say ""hi""",Email\r\na,1,2,3', 'csv')).toEqual([
      'Deal',
      'Amount, EUR',
      'Say "hi"',
      'Email',
    ]);
    expect(columnsOfHead('{"deal":{"title":"x","value":1},"cur":"EUR"}\n{}', 'ndjson')).toEqual([
      'deal.title',
      'deal.value',
      'cur',
    ]);
    expect(columnsOfHead('not json', 'ndjson')).toEqual([]);
  });

  it('guesses deal fields from plain header names and writes the API mapping', () => {
    const state = guessDealMapping(
      ['Deal Name', 'Value', 'Close date', 'Website', 'Account', 'Contact email', 'Seat count', 'Other'],
      [seats],
    );
    expect(state.fields).toEqual({
      name: 'Deal Name',
      amount: 'Value',
      closeDate: 'Close date',
      companyDomain: 'Website',
      company: 'Account',
    });
    expect(state.people).toEqual([{ column: 'Contact email', role: 'other' }]);
    expect(state.custom).toEqual({ seats: 'Seat count' });
    expect(
      dealMappingSpec({ ...state, people: [...state.people, { column: 'Champion', role: 'champion' }] }),
    ).toBe(
      'name=Deal Name,amount=Value,closeDate=Close date,companyDomain=Website,company=Account,person=Contact email,people.champion=Champion,fields.seats=Seat count',
    );
  });
});
