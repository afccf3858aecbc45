import { z } from 'zod';

const DaySchema = z.string().meta({ description: 'A UTC day, `YYYY-MM-DD`.' });

/**
 * The home dashboard's figures for one workspace: activity by UTC day over the last `days` days
 * (today included), what the activity is made of, and where the CRM and the desk stand now.
 */
export const OverviewSchema = z
  .object({
    from: DaySchema,
    to: DaySchema,
    /** False while some days are still being counted (they show as not `counted`, zeros). */
    complete: z.boolean(),
    /** One entry per day from `from` to `to`, zeros included. */
    days: z.array(
      z.object({
        day: DaySchema,
        counted: z.boolean(),
        events: z.number().int(),
        /** Profiles created that day (not merged away since). */
        newPeople: z.number().int(),
        /** People with at least one event that day. */
        activePeople: z.number().int(),
      }),
    ),
    totals: z.object({ events: z.number().int(), newPeople: z.number().int() }),
    /** Most frequent event names over the counted days. */
    topEvents: z.array(z.object({ event: z.string(), count: z.number().int(), capped: z.boolean() })),
    /** Sources with the most events (all time), counted up to `countCap` each. */
    topSources: z.array(
      z.object({ sourceId: z.string(), name: z.string(), events: z.number().int(), capped: z.boolean() }),
    ),
    countCap: z.number().int(),
    sourceCount: z.number().int(),
    /** Largest audiences first. */
    audiences: z.array(z.object({ audienceId: z.string(), name: z.string(), members: z.number().int() })),
    audienceCount: z.number().int(),
    /** Open deals of the default pipeline by stage. */
    pipeline: z.object({
      pipelineId: z.string(),
      name: z.string(),
      stages: z.array(
        z.object({ stageId: z.string(), name: z.string(), count: z.number().int(), amount: z.number() }),
      ),
      openCount: z.number().int(),
      openAmount: z.number(),
    }),
    tickets: z.object({
      /** Tickets not solved or closed, by status. */
      unsolved: z.object({
        new: z.number().int(),
        open: z.number().int(),
        pending: z.number().int(),
        on_hold: z.number().int(),
      }),
      /** Running SLAs at risk or breached (counted up to 1,000). */
      slaAtRisk: z.number().int(),
    }),
  })
  .meta({ id: 'Overview' });
export type Overview = z.infer<typeof OverviewSchema>;

export const OverviewQuerySchema = z.object({
  days: z.coerce
    .number({ error: 'days must be a whole number from 7 to 90' })
    .int({ error: 'days must be a whole number from 7 to 90' })
    .min(7, { error: 'days must be a whole number from 7 to 90' })
    .max(90, { error: 'days must be a whole number from 7 to 90' })
    .default(30),
});
export type OverviewQuery = z.infer<typeof OverviewQuerySchema>;
