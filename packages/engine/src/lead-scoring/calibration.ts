import type { LeadScoreBand, LeadScoreCalibration, LeadScoringSettings } from '@tandem/contract';

/** A closed deal's outcome for a person on it. */
export interface DealOutcome {
  readonly profileId: string;
  readonly won: boolean;
}

const BAND_COUNT = 5;

/**
 * Deals won and lost per band of the current score of the people they were for: a score that
 * works shows win rates rising band after band. Bands split 0..top evenly, where top is the
 * overall cap, else the sum of both group caps, else the highest score among these people; the
 * last band is open-ended and negative scores get a band of their own.
 */
export function calibrationOf(input: {
  settings: LeadScoringSettings;
  outcomes: readonly DealOutcome[] | undefined;
  scores: ReadonlyMap<string, { total: number }>;
}): LeadScoreCalibration {
  const { settings, outcomes, scores } = input;
  const scoreOf = (profileId: string) => scores.get(profileId)?.total ?? 0;
  const caps = settings.groupCaps;
  const highest = Math.max(0, ...(outcomes ?? []).map((o) => scoreOf(o.profileId)));
  const top =
    settings.cap ??
    (caps?.fit !== undefined && caps.engagement !== undefined ? caps.fit + caps.engagement : highest);
  const width = Math.max(1, Math.ceil(Math.max(top, BAND_COUNT) / BAND_COUNT));
  const bands: { min: number | null; max: number | null; won: number; lost: number }[] = [];
  for (let i = 0; i < BAND_COUNT; i++) {
    bands.push({ min: i * width, max: i === BAND_COUNT - 1 ? null : (i + 1) * width - 1, won: 0, lost: 0 });
  }
  const negative = { min: null, max: -1, won: 0, lost: 0 };
  let won = 0;
  let lost = 0;
  for (const outcome of outcomes ?? []) {
    const score = scoreOf(outcome.profileId);
    const band = score < 0 ? negative : bands[Math.min(BAND_COUNT - 1, Math.floor(score / width))];
    if (!band) continue;
    if (outcome.won) {
      band.won += 1;
      won += 1;
    } else {
      band.lost += 1;
      lost += 1;
    }
  }
  const shown = negative.won + negative.lost > 0 ? [negative, ...bands] : bands;
  return {
    dealsConnected: outcomes !== undefined,
    bands: shown.map(bandOf),
    won,
    lost,
  };
}

function bandOf(band: { min: number | null; max: number | null; won: number; lost: number }): LeadScoreBand {
  const closed = band.won + band.lost;
  const label =
    band.min === null ? 'below 0' : band.max === null ? `${band.min} and above` : `${band.min}–${band.max}`;
  return { label, ...band, winRate: closed === 0 ? null : band.won / closed };
}
