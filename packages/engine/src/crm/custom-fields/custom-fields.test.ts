import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { AppError } from '../../errors/index.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { CustomFieldDefinitions, validateCustomFields } from './index.js';

describe.each(ENGINES)('custom fields on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let fields: CustomFieldDefinitions;
  let workspaceId: string;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    fields = new CustomFieldDefinitions(engine.store.db);
    workspaceId = (await createWorkspace(engine.store, `ws ${Math.random()}`)).id;
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'seats', label: 'Seats', type: 'number', required: true },
      null,
    );
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'region', label: 'Region', type: 'select', choices: ['emea', 'amer'] },
      null,
    );
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'products', label: 'Products', type: 'multi_select', choices: ['a', 'b'] },
      null,
    );
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'signed_on', label: 'Signed on', type: 'date' },
      null,
    );
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'renewal', label: 'Renewal', type: 'boolean' },
      null,
    );
    await fields.create(
      workspaceId,
      { entity: 'deal', key: 'champion', label: 'Champion', type: 'relation', relationTo: 'person' },
      null,
    );
  });
  afterAll(() => engine.dispose());

  const validate = (values: Record<string, unknown>, existing?: Record<string, unknown>) =>
    validateCustomFields(engine.store.db, workspaceId, 'deal', values, existing);

  it('accepts values of each type and answers the record’s values after the write', async () => {
    const values = await validate({
      seats: 12,
      region: 'emea',
      products: ['a', 'b', 'a'],
      signed_on: '2026-01-31',
      renewal: true,
      champion: 'prof_1',
    });
    expect(values).toEqual({
      seats: 12,
      region: 'emea',
      products: ['a', 'b'],
      signed_on: '2026-01-31',
      renewal: true,
      champion: 'prof_1',
    });
    expect(await validate({ region: null, seats: 3 }, values)).not.toHaveProperty('region');
  });

  it('refuses wrong values, naming every field', async () => {
    const error = await validate({
      seats: 'many',
      region: 'apac',
      products: ['c'],
      signed_on: 'soon',
      renewal: 'yes',
      champion: 'co_1',
      colour: 'red',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('unprocessable');
    expect(appError.details?.map((d) => d.path).sort()).toEqual(
      ['champion', 'colour', 'products', 'region', 'renewal', 'seats', 'signed_on']
        .map((k) => `fields.${k}`)
        .sort(),
    );
    expect(appError.message).toContain('seats');
  });

  it('requires a required field on a new record, and refuses to clear it', async () => {
    await expect(validate({ region: 'amer' })).rejects.toThrow(/Seats" is required/);
    expect(await validate({ region: 'amer' }, {})).toEqual({ region: 'amer' });
    await expect(validate({ seats: null }, { seats: 2 })).rejects.toThrow(/Seats" is required/);
  });

  it('keeps keys unique per record kind and edits choices', async () => {
    await expect(
      fields.create(workspaceId, { entity: 'deal', key: 'seats', label: 'Again', type: 'text' }, null),
    ).rejects.toThrow(/already exists/);
    const person = await fields.create(
      workspaceId,
      { entity: 'person', key: 'seats', label: 'Seats', type: 'text' },
      null,
    );
    expect(person.entity).toBe('person');
    const region = (await fields.list(workspaceId, 'deal')).find((f) => f.key === 'region');
    const edited = await fields.update(
      workspaceId,
      region?.id ?? '',
      { choices: ['emea', 'amer', 'apac'] },
      'usr_1',
    );
    expect(await validate({ seats: 1, region: 'apac' })).toMatchObject({ region: 'apac' });
    expect(edited.choices).toHaveLength(3);
    await fields.delete(workspaceId, person.id, 'usr_1');
    expect(await fields.list(workspaceId, 'person')).toEqual([]);
  });
});
