import { createContext, useContext } from 'react';
import type { JourneyProblem } from './journeys-api';

/** The problems of the journey being edited, for each field of the side panel to show its own. */
export const JourneyProblemsContext = createContext<readonly JourneyProblem[]>([]);

/** The message about `field` of a step (or of the entry / settings when `stepId` is undefined). */
export function fieldProblem(
  problems: readonly JourneyProblem[],
  stepId: string | undefined,
  field: string,
): string | undefined {
  return problems.find(
    (p) =>
      p.stepId === stepId &&
      (p.field === field || p.field.startsWith(`${field}.`) || p.field.endsWith(`.${field}`)),
  )?.message;
}

export function useFieldProblem(stepId: string | undefined, field: string): string | undefined {
  return fieldProblem(useContext(JourneyProblemsContext), stepId, field);
}

/**
 * The server's problems the canvas has not named already: a refused draft's schema speaks of the
 * same unfilled fields (`condition.all`, `entry.event`), in its own words.
 */
export function notNamedBy(
  server: readonly JourneyProblem[],
  canvas: readonly JourneyProblem[],
): JourneyProblem[] {
  return server.filter(
    (s) =>
      !canvas.some(
        (c) => c.stepId === s.stepId && (s.field === c.field || s.field.startsWith(`${c.field}.`)),
      ),
  );
}
