import { describe, expect, it } from 'vitest';
import { holdingsSentence } from './holdings-sentence';

const nothing = {
  people: 0,
  companies: 0,
  openDeals: 0,
  openTasks: 0,
  activeEnrollments: 0,
  unsolvedTickets: 0,
};

describe('holdingsSentence', () => {
  it('names every kind a member holds, with its count', () => {
    expect(
      holdingsSentence({
        people: 12,
        companies: 3,
        openDeals: 2,
        openTasks: 5,
        activeEnrollments: 0,
        unsolvedTickets: 1,
      }),
    ).toBe('They own 12 people, 3 companies, 2 open deals, 5 open tasks and 1 unsolved ticket.');
  });

  it('leaves out what they have none of, and says nothing when they hold nothing', () => {
    expect(holdingsSentence({ ...nothing, people: 1 })).toBe('They own 1 person.');
    expect(holdingsSentence({ ...nothing, companies: 1, activeEnrollments: 4 })).toBe(
      'They own 1 company and 4 active sequence enrollments.',
    );
    expect(holdingsSentence(nothing)).toBeNull();
  });
});
