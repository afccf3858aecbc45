import { z } from 'zod';

// Help center (issue 16 item 6): knowledge-base articles in categories, served publicly per
// workspace, and a customer portal where a requester signs in by emailed link.

export const HELP_ARTICLE_STATUSES = ['draft', 'published'] as const;
export const HELP_ARTICLE_VISIBILITIES = ['public', 'internal'] as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SlugSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(SLUG, 'lower-case letters, digits and single dashes, e.g. "reset-your-password"');

export const HelpCategorySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    position: z.number().int().describe('Order on the public page, lowest first'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'HelpCategory' });
export type HelpCategory = z.infer<typeof HelpCategorySchema>;

export const NewHelpCategorySchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(500).default(''),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type NewHelpCategory = z.input<typeof NewHelpCategorySchema>;
export const UpdateHelpCategorySchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(500).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type UpdateHelpCategory = z.infer<typeof UpdateHelpCategorySchema>;

export const HelpArticleSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    slug: z.string(),
    body: z.string().describe('Markdown'),
    categoryId: z.string().nullable(),
    status: z.enum(HELP_ARTICLE_STATUSES),
    visibility: z
      .enum(HELP_ARTICLE_VISIBILITIES)
      .describe('internal: for agents only, never served publicly'),
    publicUrl: z.string().nullable().describe('Where customers read it; null unless published and public'),
    updatedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: 'HelpArticle' });
export type HelpArticle = z.infer<typeof HelpArticleSchema>;

export const NewHelpArticleSchema = z.object({
  title: z.string().trim().min(1).max(200),
  slug: SlugSchema.optional().describe('Made from the title when left out'),
  body: z.string().max(200_000).default(''),
  categoryId: z.string().min(1).nullable().default(null),
  status: z.enum(HELP_ARTICLE_STATUSES).default('draft'),
  visibility: z.enum(HELP_ARTICLE_VISIBILITIES).default('public'),
});
export type NewHelpArticle = z.input<typeof NewHelpArticleSchema>;
export const UpdateHelpArticleSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  slug: SlugSchema.optional(),
  body: z.string().max(200_000).optional(),
  categoryId: z.string().min(1).nullable().optional(),
  status: z.enum(HELP_ARTICLE_STATUSES).optional(),
  visibility: z.enum(HELP_ARTICLE_VISIBILITIES).optional(),
});
export type UpdateHelpArticle = z.infer<typeof UpdateHelpArticleSchema>;

export const HelpArticleQuerySchema = z.object({
  q: z.string().trim().max(200).optional().describe('Words that must all appear in the title or body'),
  categoryId: z.string().optional(),
  status: z.enum(HELP_ARTICLE_STATUSES).optional(),
  visibility: z.enum(HELP_ARTICLE_VISIBILITIES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type HelpArticleQuery = z.input<typeof HelpArticleQuerySchema>;

export const HelpCenterSiteSchema = z
  .object({
    key: z.string().describe('The workspace key in public help center URLs'),
    url: z.string().describe('The public help center'),
    portalUrl: z.string().describe('The customer portal'),
  })
  .meta({ id: 'HelpCenterSite' });
export type HelpCenterSite = z.infer<typeof HelpCenterSiteSchema>;

export const RenderMarkdownSchema = z.object({ markdown: z.string().max(200_000) });
