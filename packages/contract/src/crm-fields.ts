import { z } from 'zod';

/** What a custom field can be set on. */
export const CUSTOM_FIELD_ENTITIES = ['person', 'company', 'deal', 'ticket'] as const;
export const CustomFieldEntitySchema = z.enum(CUSTOM_FIELD_ENTITIES);
export type CustomFieldEntity = z.infer<typeof CustomFieldEntitySchema>;

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'date',
  'boolean',
  'select',
  'multi_select',
  'relation',
] as const;
export const CustomFieldTypeSchema = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldTypeSchema>;

export const CustomFieldKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits or "_", starting with a letter (at most 64)');

const FieldShape = {
  entity: CustomFieldEntitySchema,
  key: CustomFieldKeySchema,
  label: z.string().trim().min(1).max(100),
  type: CustomFieldTypeSchema,
  choices: z
    .array(z.string().trim().min(1).max(100))
    .max(200)
    .describe('The choices of a select or multi_select field'),
  relationTo: CustomFieldEntitySchema.nullable().describe('What a relation field points to'),
  required: z.boolean(),
};

export const CustomFieldSchema = z
  .object({ id: z.string(), ...FieldShape, createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'CustomField' });
export type CustomField = z.infer<typeof CustomFieldSchema>;

export const CreateCustomFieldSchema = z
  .strictObject({
    ...FieldShape,
    choices: FieldShape.choices.default([]),
    relationTo: FieldShape.relationTo.default(null),
    required: FieldShape.required.default(false),
  })
  .refine((f) => !['select', 'multi_select'].includes(f.type) || f.choices.length > 0, {
    message: 'A select field needs at least one choice',
    path: ['choices'],
  })
  .refine((f) => f.type !== 'relation' || f.relationTo !== null, {
    message: 'A relation field says what it points to',
    path: ['relationTo'],
  });
export type CreateCustomField = z.input<typeof CreateCustomFieldSchema>;

export const UpdateCustomFieldSchema = z
  .strictObject({ label: FieldShape.label, choices: FieldShape.choices, required: FieldShape.required })
  .partial();
export type UpdateCustomField = z.infer<typeof UpdateCustomFieldSchema>;

export const CustomFieldListQuerySchema = z.object({ entity: CustomFieldEntitySchema.optional() });
