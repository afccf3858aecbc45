import type { SupportReportQuery } from '@tandem/contract';

const DAY_MS = 86_400_000;

/** A report's days (default: the last 30 up to today) and their [start, end) as ISO times. */
export function periodOf(query: SupportReportQuery, now: number) {
  const to = query.to ?? new Date(now).toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  return { from, to, start: from, end: new Date(Date.parse(to) + DAY_MS).toISOString() };
}

/** CSAT answers by the day they came in (every day of the period) and by score (1 to 5). */
export function csatOverTime(
  answers: readonly { score: number; answered_at: string | null }[],
  period: { from: string; to: string },
) {
  const days = new Map<string, number[]>();
  for (let day = Date.parse(period.from); day <= Date.parse(period.to); day += DAY_MS)
    days.set(new Date(day).toISOString().slice(0, 10), []);
  const perScore = [0, 0, 0, 0, 0];
  for (const answer of answers) {
    if (answer.answered_at) days.get(answer.answered_at.slice(0, 10))?.push(answer.score);
    if (answer.score >= 1 && answer.score <= 5)
      perScore[answer.score - 1] = (perScore[answer.score - 1] ?? 0) + 1;
  }
  return {
    byDay: [...days].map(([day, scores]) => ({
      day,
      responses: scores.length,
      average:
        scores.length === 0
          ? null
          : Math.round((scores.reduce((sum, s) => sum + s, 0) / scores.length) * 100) / 100,
    })),
    distribution: perScore.map((responses, index) => ({ score: index + 1, responses })),
  };
}
