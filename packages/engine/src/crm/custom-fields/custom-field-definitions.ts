import type {
  CreateCustomField,
  CustomField,
  CustomFieldEntity,
  CustomFieldType,
  UpdateCustomField,
} from '@tandem/contract';
import { CreateCustomFieldSchema } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError, Readers, type ReadersOf } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import { type Database, fromJson, nowIso, toJson } from '../../store/index.js';
import type { CrmAuditEntry } from '../crm-audit.js';
import { recordCrmAudit } from '../crm-audit.js';

interface FieldOptions {
  choices: string[];
  relationTo: CustomFieldEntity | null;
}

/** The custom fields defined for one kind of record (all kinds when omitted), by key. */
export async function customFieldsOf(
  db: Kysely<Database>,
  workspaceId: string,
  entity?: CustomFieldEntity,
): Promise<CustomField[]> {
  let query = db.selectFrom('crm_custom_fields').selectAll().where('workspace_id', '=', workspaceId);
  if (entity !== undefined) query = query.where('entity', '=', entity);
  const rows = await query.orderBy('entity').orderBy('key').execute();
  return rows.map((row) => {
    const options = fromJson<FieldOptions>(row.options);
    return {
      id: row.field_id,
      entity: row.entity as CustomFieldEntity, // written from the contract's enum
      key: row.key,
      label: row.label,
      type: row.type as CustomFieldType, // written from the contract's enum
      choices: options.choices,
      relationTo: options.relationTo,
      required: row.required === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** Definitions of custom fields on people, companies and deals (`crm:write` edits them). */
export class CustomFieldDefinitions {
  /** Journeys that set a person field by its key (registered by the engine). */
  private readonly personFieldReaders = new Readers();

  constructor(private readonly db: Kysely<Database>) {}

  /** Others that write a person field by key keep it: their step would fail for everyone. */
  onPersonFieldReaders(readersOf: ReadersOf): void {
    this.personFieldReaders.add(readersOf);
  }

  list(workspaceId: string, entity?: CustomFieldEntity) {
    return customFieldsOf(this.db, workspaceId, entity);
  }

  async create(workspaceId: string, input: CreateCustomField, actorId: string | null): Promise<CustomField> {
    const field = CreateCustomFieldSchema.parse(input);
    const now = nowIso();
    const id = newId('customField');
    await this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom('crm_custom_fields')
        .select('field_id')
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', field.entity)
        .where('key', '=', field.key)
        .executeTakeFirst();
      if (clash)
        throw new AppError('conflict', `A ${field.entity} field with key "${field.key}" already exists`);
      await trx
        .insertInto('crm_custom_fields')
        .values({
          workspace_id: workspaceId,
          field_id: id,
          entity: field.entity,
          key: field.key,
          label: field.label,
          type: field.type,
          options: toJson({ choices: field.choices, relationTo: field.relationTo }),
          required: field.required ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordCrmAudit(trx, [audit(workspaceId, id, 'create', actorId, now, undefined, field)]);
    });
    return this.get(workspaceId, id);
  }

  async get(workspaceId: string, fieldId: string): Promise<CustomField> {
    const field = (await customFieldsOf(this.db, workspaceId)).find((f) => f.id === fieldId);
    if (!field) throw new AppError('not_found', `Custom field ${fieldId} not found`);
    return field;
  }

  async update(
    workspaceId: string,
    fieldId: string,
    patch: UpdateCustomField,
    actorId: string | null,
  ): Promise<CustomField> {
    const before = await this.get(workspaceId, fieldId);
    const choices = patch.choices ?? before.choices;
    if (['select', 'multi_select'].includes(before.type) && choices.length === 0) {
      throw new AppError('unprocessable', 'A select field needs at least one choice', {
        details: [{ path: 'choices', message: 'A select field needs at least one choice' }],
      });
    }
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('crm_custom_fields')
        .set({
          label: patch.label ?? before.label,
          options: toJson({ choices, relationTo: before.relationTo }),
          required: (patch.required ?? before.required) ? 1 : 0,
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('field_id', '=', fieldId)
        .execute();
      await recordCrmAudit(trx, [audit(workspaceId, fieldId, 'update', actorId, now, before, patch)]);
    });
    return this.get(workspaceId, fieldId);
  }

  /**
   * Removes the definition (409 while a journey sets it); values already stored stay on their
   * records until next written.
   */
  async delete(workspaceId: string, fieldId: string, actorId: string | null): Promise<void> {
    const before = await this.get(workspaceId, fieldId);
    if (before.entity === 'person')
      await this.personFieldReaders.refuseDeletingWhileUsed(
        workspaceId,
        before.key,
        `The custom field "${before.label}"`,
      );
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('crm_custom_fields')
        .where('workspace_id', '=', workspaceId)
        .where('field_id', '=', fieldId)
        .execute();
      await recordCrmAudit(trx, [
        audit(workspaceId, fieldId, 'delete', actorId, nowIso(), before, undefined),
      ]);
    });
  }
}

function audit(
  workspaceId: string,
  entityId: string,
  action: string,
  actorId: string | null,
  at: string,
  before: unknown,
  after: unknown,
): CrmAuditEntry {
  return { workspaceId, actorId, entityType: 'custom_field', entityId, action, before, after, at };
}
