import type { PipelineStageStatus } from '@tandem/contract';

/** What each stage keeps, in a user's words, by the name the API gives it. */
export const STAGE_DESCRIPTIONS: Readonly<Record<string, { label: string; keeps: string }>> = {
  unify: { label: 'Identity and traits', keeps: 'Resolves each event to a profile and merges its traits.' },
  consent: { label: 'Consent', keeps: 'Records the consent events carry, per purpose.' },
  segment: {
    label: 'Computed traits and audiences',
    keeps: 'Updates computed traits and audience memberships.',
  },
  'lead-scoring': { label: 'Lead scoring', keeps: 'Moves scores with the rules they match.' },
  'sequence-stops': {
    label: 'Sequence stops',
    keeps: 'Stops sales sequences for people who replied or booked.',
  },
  journeys: { label: 'Journeys', keeps: 'Enters people into journeys and moves waiting ones on.' },
  delivery: { label: 'Destinations', keeps: 'Writes what each destination is sent to its outbox.' },
  analytics: { label: 'Insights copy', keeps: 'Copies events and people to the store insights read.' },
};

/** The API counts at most this many waiting events per stage. */
export const LAG_COUNT_CAP = 10_000;

/** The lag past which a stage is behind (the pipeline's own bound). */
export const BEHIND_AFTER_SECONDS = 5;

export type StageState = 'up to date' | 'catching up' | 'behind';

export function stageState(stage: PipelineStageStatus): StageState {
  if (stage.lagEvents === 0) return 'up to date';
  return stage.lagSeconds > BEHIND_AFTER_SECONDS ? 'behind' : 'catching up';
}

/** "1,204 events", "10,000+ events", "1 event". */
export function waitingEvents(count: number): string {
  if (count >= LAG_COUNT_CAP) return `${LAG_COUNT_CAP.toLocaleString('en-US')}+ events`;
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'event' : 'events'}`;
}

/** "under a second", "42 s", "3 min 5 s", "2 h 10 min". */
export function lagDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
  const minutes = Math.floor((whole % 3600) / 60);
  return `${Math.floor(whole / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/**
 * The page's headline: every stage done, or the stage furthest behind (the oldest waiting event;
 * the first in running order on a tie), which is what holds the rest up.
 */
export function pipelineSummary(stages: readonly PipelineStageStatus[]): {
  state: StageState;
  text: string;
} {
  let worst: PipelineStageStatus | undefined;
  for (const stage of stages)
    if (stage.lagEvents > 0 && (worst === undefined || stage.lagSeconds > worst.lagSeconds)) worst = stage;
  if (worst === undefined)
    return { state: 'up to date', text: 'Every stage has processed every event of this workspace.' };
  const label = STAGE_DESCRIPTIONS[worst.stage]?.label ?? worst.stage;
  const state = stageState(worst);
  const waiting = `${waitingEvents(worst.lagEvents)} waiting at ${label}, the oldest received ${lagDuration(worst.lagSeconds)} ago.`;
  return {
    state,
    text:
      state === 'behind'
        ? `${waiting} If this keeps growing, check that a Tandem process runs the pipeline (TANDEM_PIPELINE is not off) and read its logs.`
        : waiting,
  };
}
