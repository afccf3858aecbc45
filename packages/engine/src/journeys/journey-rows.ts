import {
  type Journey,
  type JourneyDefinition,
  JourneyDefinitionSchema,
  type JourneyRun,
  type JourneyRunStatus,
} from '@tandem/contract';
import type { Selectable } from 'kysely';
import type { JourneyRunsTable, JourneysTable } from '../store/index.js';

/** A stored definition, parsed (stored ones were valid when written). */
export function definitionOf(text: string): JourneyDefinition {
  return JourneyDefinitionSchema.parse(JSON.parse(text));
}

/** The API's journey: its draft, with whether it differs from the live version. */
export function journeyOf(row: Selectable<JourneysTable>, liveText: string | undefined): Journey {
  const draft = definitionOf(row.draft);
  return {
    ...draft,
    id: row.journey_id,
    status: row.status as Journey['status'], // written from JOURNEY_STATUSES only
    version: row.version,
    hasUnpublishedChanges: liveText === undefined ? true : liveText !== row.draft,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}

export function runOf(
  row: Selectable<JourneyRunsTable>,
  dueAt: number | string | null | undefined,
): JourneyRun {
  return {
    runId: row.run_id,
    profileId: row.profile_id,
    version: row.version,
    stepId: row.step_id,
    status: row.status as JourneyRunStatus, // written from JOURNEY_RUN_STATUSES only
    holdout: row.holdout === 1,
    enteredAt: row.entered_at,
    endedAt: row.ended_at,
    nextAt: dueAt === null || dueAt === undefined ? null : new Date(Number(dueAt)).toISOString(),
  };
}

/** An opaque cursor over ids (ids are time-ordered). */
export function idCursorOf(id: string): string {
  return Buffer.from(id).toString('base64url');
}
export function idOfCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
