import { z } from 'zod';

/** What global search (⌘K) looks through. */
export const SEARCH_TYPES = ['people', 'companies', 'deals'] as const;
export const SearchTypeSchema = z.enum(SEARCH_TYPES);
export type SearchType = z.infer<typeof SearchTypeSchema>;

export const MAX_SEARCH_LIMIT = 20;

export const SearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'q must not be empty')
    .max(200)
    .describe('Words to find: a name, an email, a domain, or their beginning; one typo is tolerated'),
  types: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [...SEARCH_TYPES];
      const types = [...new Set(value.split(',').map((type) => type.trim()))];
      const unknown = types.filter((type) => !(SEARCH_TYPES as readonly string[]).includes(type));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown type ${unknown.map((t) => `"${t}"`).join(', ')}: use ${SEARCH_TYPES.join(', ')}`,
        });
        return z.NEVER;
      }
      return types as SearchType[];
    })
    .pipe(z.array(SearchTypeSchema))
    .describe(`Comma-separated: ${SEARCH_TYPES.join(', ')} (default: all)`),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(5).describe('Most results per type'),
});
export type SearchQuery = z.output<typeof SearchQuerySchema>;

export const SearchHitSchema = z
  .object({
    type: SearchTypeSchema,
    id: z.string(),
    title: z.string().describe('The name to show (a person without a name: their email or id)'),
    subtitle: z.string().nullable().describe('An email, a domain, …'),
    matched: z.string().describe('The text that matched the query'),
    typos: z
      .number()
      .int()
      .min(0)
      .describe('Edits between the query and the matched text (0: an exact prefix)'),
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultsSchema = z
  .object({
    data: z.array(SearchHitSchema).describe('Best first within each type, types in the order asked'),
    unsupported: z.array(SearchTypeSchema).describe('Types asked for that this server cannot search yet'),
  })
  .meta({ id: 'SearchResults' });
export type SearchResults = z.infer<typeof SearchResultsSchema>;
