import { z } from 'zod';

/** The type of a trait or property value as seen in samples; `date` is an ISO 8601 string. */
export const CATALOG_VALUE_TYPES = [
  'string',
  'number',
  'boolean',
  'date',
  'array',
  'object',
  'mixed',
] as const;
export const CatalogValueTypeSchema = z.enum(CATALOG_VALUE_TYPES);
export type CatalogValueType = z.infer<typeof CatalogValueTypeSchema>;

const ExampleSchema = z.union([z.string(), z.number(), z.boolean()]);

/** A trait seen on profiles, for the audience builder's pickers. */
export const CatalogTraitSchema = z
  .object({
    name: z.string(),
    type: CatalogValueTypeSchema,
    examples: z.array(ExampleSchema).describe('A few distinct scalar values, in value order'),
    profiles: z.number().int().describe('Profiles with the trait, counted up to `profilesCapped`'),
    profilesCapped: z.boolean().describe('True when there are at least `profiles` (the count stopped there)'),
  })
  .meta({ id: 'CatalogTrait' });
export type CatalogTrait = z.infer<typeof CatalogTraitSchema>;

export const CatalogPropertySchema = z
  .object({ name: z.string(), type: CatalogValueTypeSchema, examples: z.array(ExampleSchema) })
  .meta({ id: 'CatalogProperty' });
export type CatalogProperty = z.infer<typeof CatalogPropertySchema>;

/** A track event name seen in the workspace, with its properties (from the latest events of that name). */
export const CatalogEventSchema = z
  .object({
    name: z.string(),
    count: z.number().int().describe('Events of this name, counted up to `countCapped`'),
    countCapped: z.boolean(),
    lastSeenAt: z.string().nullable(),
    properties: z.array(CatalogPropertySchema),
  })
  .meta({ id: 'CatalogEvent' });
export type CatalogEvent = z.infer<typeof CatalogEventSchema>;

export const CatalogTraitsSchema = z.object({ data: z.array(CatalogTraitSchema) });
export type CatalogTraits = z.infer<typeof CatalogTraitsSchema>;
export const CatalogEventsSchema = z.object({ data: z.array(CatalogEventSchema) });
export type CatalogEvents = z.infer<typeof CatalogEventsSchema>;
