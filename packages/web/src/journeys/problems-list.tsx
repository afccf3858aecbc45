import { Alert, Anchor, List } from '@mantine/core';
import type { JourneyProblem } from './journeys-api';

/** Every problem found before publishing; one on a step selects that step. */
export function ProblemsList({
  problems,
  onSelect,
}: {
  problems: readonly JourneyProblem[];
  onSelect: (stepId: string) => void;
}) {
  if (problems.length === 0) return null;
  return (
    <Alert
      color="red"
      variant="light"
      title={`${problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix before publishing`}
      role="alert"
      aria-label="Journey problems"
    >
      <List size="sm" spacing={2}>
        {problems.map((problem) => (
          <List.Item key={`${problem.stepId ?? ''}:${problem.field}:${problem.message}`}>
            {problem.stepId ? (
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => onSelect(problem.stepId ?? '')}
              >
                {problem.stepId}
              </Anchor>
            ) : (
              <b>{problem.field.split('.')[0] || 'journey'}</b>
            )}
            : {problem.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
