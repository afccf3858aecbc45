import { z } from 'zod';

/** The lists a view can be saved for. */
export const SAVED_VIEW_ENTITIES = ['people', 'companies', 'deals'] as const;
export const SavedViewEntitySchema = z.enum(SAVED_VIEW_ENTITIES);
export type SavedViewEntity = z.infer<typeof SavedViewEntitySchema>;

export const VIEW_FILTER_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'starts_with',
  'greater_than',
  'less_than',
  'is_set',
  'is_not_set',
] as const;

const FieldSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe('A column of the list: a built-in field, a trait or a custom field');

export const ViewFilterSchema = z
  .object({
    field: FieldSchema,
    operator: z.enum(VIEW_FILTER_OPERATORS),
    value: z
      .union([z.string().max(1000), z.number(), z.boolean(), z.null()])
      .optional()
      .describe('A number for greater_than / less_than; not used by is_set / is_not_set'),
  })
  .superRefine((filter, ctx) => {
    const numeric = filter.operator === 'greater_than' || filter.operator === 'less_than';
    const valueless = filter.operator === 'is_set' || filter.operator === 'is_not_set';
    if (numeric && (typeof filter.value !== 'number' || !Number.isFinite(filter.value))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${filter.operator} compares with a number` });
    } else if (!valueless && (filter.value === undefined || filter.value === null)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${filter.operator} needs a value` });
    }
  })
  .meta({ id: 'ViewFilter' });
export type ViewFilter = z.infer<typeof ViewFilterSchema>;

export const ViewSortSchema = z
  .object({ field: FieldSchema, direction: z.enum(['asc', 'desc']) })
  .meta({ id: 'ViewSort' });
export type ViewSort = z.infer<typeof ViewSortSchema>;

const ViewFields = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(100),
  entity: SavedViewEntitySchema,
  filters: z.array(ViewFilterSchema).max(50).describe('All must hold (AND)'),
  sort: z.array(ViewSortSchema).max(5).describe('First key first'),
  columns: z.array(FieldSchema).max(100).describe('Shown columns, in order; empty: the list’s default'),
  shared: z.boolean().describe('Seen by the whole workspace (only its owner, or an admin, edits it)'),
});

export const SavedViewSchema = ViewFields.extend({
  id: z.string(),
  ownerId: z.string().describe('The user (or, for a token without one, the token) that saved it'),
  editable: z.boolean().describe('Whether the caller may change or delete it'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'SavedView' });
export type SavedView = z.infer<typeof SavedViewSchema>;

export const CreateSavedViewSchema = ViewFields.extend({
  filters: ViewFields.shape.filters.default([]),
  sort: ViewFields.shape.sort.default([]),
  columns: ViewFields.shape.columns.default([]),
  shared: ViewFields.shape.shared.default(false),
});
export type CreateSavedView = z.input<typeof CreateSavedViewSchema>;
export type NewSavedView = z.output<typeof CreateSavedViewSchema>;

/** Any of a view's fields but its list (a view of people stays one). */
export const UpdateSavedViewSchema = ViewFields.omit({ entity: true }).partial();
export type UpdateSavedView = z.infer<typeof UpdateSavedViewSchema>;

export const SavedViewListQuerySchema = z.object({
  entity: SavedViewEntitySchema.optional().describe('Only the views of this list'),
});

/** `GET /api/v1/people/export.csv?view=`: the view whose filters, sort and columns shape the file. */
export const PeopleExportQuerySchema = z.object({
  view: z.string().min(1).max(100).optional().describe('A saved view of people; without it, every person'),
});

/** `GET /api/v1/companies/export.csv?view=`. */
export const CompaniesExportQuerySchema = z.object({
  view: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('A saved view of companies; without it, every company'),
});

/** `GET /api/v1/deals/export.csv?view=`. */
export const DealsExportQuerySchema = z.object({
  view: z.string().min(1).max(100).optional().describe('A saved view of deals; without it, every deal'),
});

/** The fields each list sorts by on the server (`sort=name`, `sort=-name` for descending). */
export const LIST_SORT_FIELDS = {
  people: ['name', 'email', 'created_at', 'updated_at'],
  companies: ['name', 'created_at', 'updated_at'],
  deals: ['name', 'amount', 'close_date', 'created_at', 'updated_at'],
} as const satisfies Record<SavedViewEntity, readonly string[]>;

/** A list's `sort` query parameter: one of its fields, `-` first for descending. */
export function listSortSchema<const F extends readonly string[]>(fields: F) {
  const allowed = fields.flatMap((field) => [field, `-${field}`]);
  return z
    .string()
    .refine((value) => allowed.includes(value), {
      message: `sort must be one of ${fields.join(', ')} (a leading - sorts descending)`,
    })
    .optional()
    .describe(`One of ${fields.join(', ')}; a leading - sorts descending. Default: the list's own order`);
}

/** `"-name"` as `{ field: 'name', direction: 'desc' }`. */
export function parseListSort(sort: string): ViewSort {
  return sort.startsWith('-')
    ? { field: sort.slice(1), direction: 'desc' }
    : { field: sort, direction: 'asc' };
}
