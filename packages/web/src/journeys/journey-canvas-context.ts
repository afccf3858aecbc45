import type { JourneyReport } from '@tandem/contract';
import { createContext, useContext } from 'react';
import type { JourneyProblem } from './journeys-api';

type StepReport = JourneyReport['steps'][number];

/** What the nodes show beside their own data: live counts and the problems validation found. */
export type JourneyCanvasInfo = {
  /** Per step id; absent while the journey was never published. */
  counts: ReadonlyMap<string, StepReport> | null;
  entered: number | null;
  problems: readonly JourneyProblem[];
  /** Names of the things steps point at (templates, audiences, …) by id, for the nodes' summaries. */
  names: ReadonlyMap<string, string>;
};

export const JourneyCanvasContext = createContext<JourneyCanvasInfo>({
  counts: null,
  entered: null,
  problems: [],
  names: new Map(),
});

export const useJourneyCanvasInfo = () => useContext(JourneyCanvasContext);
