import type { PipelineStageStatus } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { lagDuration, pipelineSummary, stageState, waitingEvents } from './pipeline-stages';

const stage = (name: string, lagEvents: number, lagSeconds: number): PipelineStageStatus => ({
  stage: name,
  checkpointSeq: 100 - lagEvents,
  headSeq: 100,
  lagEvents,
  lagSeconds,
});

describe('the pipeline page’s wording', () => {
  it('tells a stage up to date, catching up, or behind by the age of its oldest waiting event', () => {
    expect(stageState(stage('unify', 0, 0))).toBe('up to date');
    expect(stageState(stage('unify', 40, 4.9))).toBe('catching up');
    expect(stageState(stage('unify', 40, 5.1))).toBe('behind');
  });

  it('says the count the API caps as a floor, and durations as people read them', () => {
    expect(waitingEvents(1)).toBe('1 event');
    expect(waitingEvents(1204)).toBe('1,204 events');
    expect(waitingEvents(10_000)).toBe('10,000+ events');
    expect(lagDuration(0.2)).toBe('under a second');
    expect(lagDuration(42)).toBe('42 s');
    expect(lagDuration(185)).toBe('3 min 5 s');
    expect(lagDuration(7800)).toBe('2 h 10 min');
  });

  it('names the stage furthest behind, and what to check when it is', () => {
    expect(pipelineSummary([stage('unify', 0, 0), stage('segment', 0, 0)]).state).toBe('up to date');
    const catching = pipelineSummary([
      stage('unify', 0, 0),
      stage('segment', 12, 1),
      stage('delivery', 12, 1),
    ]);
    expect(catching).toEqual({
      state: 'catching up',
      text: '12 events waiting at Computed traits and audiences, the oldest received 1 s ago.',
    });
    const behind = pipelineSummary([stage('unify', 3, 30), stage('analytics', 9, 45)]);
    expect(behind.state).toBe('behind');
    expect(behind.text).toContain('9 events waiting at Insights copy, the oldest received 45 s ago.');
    expect(behind.text).toContain('TANDEM_PIPELINE');
  });
});
