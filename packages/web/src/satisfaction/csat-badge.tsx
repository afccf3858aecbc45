import { Badge } from '@mantine/core';

/** A CSAT score: green when satisfied (4–5), yellow for 3, red below. */
export function CsatBadge({ score }: { score: number | null }) {
  if (score === null) return null;
  const color = score >= 4 ? 'green' : score === 3 ? 'yellow' : 'red';
  return (
    <Badge color={color} variant="light" aria-label={`CSAT ${score} of 5`}>
      CSAT {score}/5
    </Badge>
  );
}
