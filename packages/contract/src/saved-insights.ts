import { z } from 'zod';
import { InsightChartSchema, InsightQuerySchema } from './insights.js';

/**
 * Saved insights (a named query and how it is drawn) and dashboards (an ordered grid of saved
 * insights). They hold queries, not people: no personal data lives here.
 */

/**
 * The date range a saved insight runs over: a moving window ending now (`from` / `to` in its
 * query are ignored), or `custom` (the query's own `from` / `to`).
 */
export const INSIGHT_RANGES = ['24h', '7d', '30d', '90d', '180d', '365d', 'custom'] as const;
export const InsightRangeSchema = z.enum(INSIGHT_RANGES);
export type InsightRange = z.infer<typeof InsightRangeSchema>;

const Name = z.string().trim().min(1, 'name must not be empty').max(200, 'name is at most 200 characters');
const Description = z.string().trim().max(2000, 'description is at most 2000 characters');

export const SavedInsightSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    query: InsightQuerySchema,
    chart: InsightChartSchema,
    range: InsightRangeSchema,
    /** The user (or token) who saved it. */
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedInsight' });
export type SavedInsight = z.infer<typeof SavedInsightSchema>;

export const CreateSavedInsightSchema = z
  .object({
    name: Name,
    description: Description.default(''),
    query: InsightQuerySchema,
    chart: InsightChartSchema,
    range: InsightRangeSchema.default('30d'),
  })
  .meta({ id: 'CreateSavedInsight' });
export type NewSavedInsight = z.input<typeof CreateSavedInsightSchema>;
export type CreateSavedInsight = z.infer<typeof CreateSavedInsightSchema>;

export const UpdateSavedInsightSchema = z
  .object({
    name: Name.optional(),
    description: Description.optional(),
    query: InsightQuerySchema.optional(),
    chart: InsightChartSchema.optional(),
    range: InsightRangeSchema.optional(),
  })
  .meta({ id: 'UpdateSavedInsight' });
export type UpdateSavedInsight = z.infer<typeof UpdateSavedInsightSchema>;

/** A tile spans one column of the dashboard's two, or both. */
export const TileWidthSchema = z
  .number()
  .int('width must be 1 or 2 columns')
  .min(1, 'width must be 1 or 2 columns')
  .max(2, 'width must be 1 or 2 columns');

export const DashboardTileSchema = z
  .object({
    id: z.string(),
    insightId: z.string(),
    width: TileWidthSchema,
    /** 0-based place in the dashboard's reading order. */
    position: z.number().int(),
    /** The saved insight the tile draws. */
    insight: SavedInsightSchema,
  })
  .meta({ id: 'DashboardTile' });
export type DashboardTile = z.infer<typeof DashboardTileSchema>;

export const DashboardSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tileCount: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'DashboardSummary' });
export type DashboardSummary = z.infer<typeof DashboardSummarySchema>;

export const DashboardSchema = DashboardSummarySchema.omit({ tileCount: true })
  .extend({ tiles: z.array(DashboardTileSchema) })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof DashboardSchema>;

export const CreateDashboardSchema = z
  .object({ name: Name, description: Description.default('') })
  .meta({ id: 'CreateDashboard' });
export type NewDashboard = z.input<typeof CreateDashboardSchema>;

export const UpdateDashboardSchema = z
  .object({ name: Name.optional(), description: Description.optional() })
  .meta({ id: 'UpdateDashboard' });
export type UpdateDashboard = z.infer<typeof UpdateDashboardSchema>;

export const AddDashboardTileSchema = z
  .object({ insightId: z.string().min(1, 'insightId must not be empty'), width: TileWidthSchema.default(1) })
  .meta({ id: 'AddDashboardTile' });
export type NewDashboardTile = z.input<typeof AddDashboardTileSchema>;

export const UpdateDashboardTileSchema = z
  .object({ width: TileWidthSchema })
  .meta({ id: 'UpdateDashboardTile' });

/** Every tile of the dashboard, each once, in their new order. */
export const ReorderDashboardTilesSchema = z
  .object({ tileIds: z.array(z.string().min(1)).max(100) })
  .meta({ id: 'ReorderDashboardTiles' });

export const DashboardTileParamsSchema = z.object({ id: z.string().min(1), tileId: z.string().min(1) });
