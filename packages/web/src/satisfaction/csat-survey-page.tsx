import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { AuthCard } from '../auth/auth-card';
import { QueryState } from '../shared/query-state';
import { satisfactionApi } from './satisfaction-api';

const LABELS = ['', 'Very unsatisfied', 'Unsatisfied', 'Neutral', 'Satisfied', 'Very satisfied'];

/** `/csat/:token`: the public survey a requester opens from the email (no sign-in). */
export function CsatSurveyPage() {
  const { token = '' } = useParams();
  const [search] = useSearchParams();
  const linked = Number(search.get('score'));
  const [score, setScore] = useState<number | null>(linked >= 1 && linked <= 5 ? linked : null);
  const [comment, setComment] = useState('');
  const survey = useQuery({
    queryKey: ['csat', token],
    queryFn: () => satisfactionApi.survey(token),
    retry: false,
  });
  const answer = useMutation({ mutationFn: satisfactionApi.answer });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (score !== null) answer.mutate({ token, score, ...(comment.trim() ? { comment } : {}) });
  };
  const chosen = score ?? survey.data?.score ?? null;
  return (
    <AuthCard title="How did we do?" description="Rate the help you got with your request.">
      <QueryState isPending={survey.isPending} error={survey.error} refetch={survey.refetch}>
        {survey.data &&
          (answer.data ? (
            <Alert color="green" role="status">
              Thank you! You rated request #{answer.data.ticketNumber} {answer.data.score} out of 5.
            </Alert>
          ) : (
            <form onSubmit={submit} aria-label="Satisfaction survey">
              <Stack>
                <Text>
                  Request #{survey.data.ticketNumber}: <strong>{survey.data.subject}</strong>
                </Text>
                {survey.data.score !== null && (
                  <Text size="sm" c="dimmed">
                    You answered {survey.data.score} out of 5
                    {survey.data.answerable ? '; you can change your answer.' : '.'}
                  </Text>
                )}
                {!survey.data.answerable ? (
                  <Alert color="yellow">This survey can no longer be changed.</Alert>
                ) : (
                  <>
                    <Group gap="xs" role="radiogroup" aria-label="Score from 1 to 5">
                      {[1, 2, 3, 4, 5].map((value) => (
                        <Button
                          key={value}
                          role="radio"
                          aria-checked={chosen === value}
                          aria-label={`${value}: ${LABELS[value]}`}
                          variant={chosen === value ? 'filled' : 'default'}
                          onClick={() => setScore(value)}
                          w={48}
                        >
                          {value}
                        </Button>
                      ))}
                    </Group>
                    {chosen !== null && (
                      <Text size="sm" c="dimmed">
                        {LABELS[chosen]}
                      </Text>
                    )}
                    <Textarea
                      label="Comment (optional)"
                      value={comment}
                      onChange={(e) => setComment(e.currentTarget.value)}
                      maxLength={2000}
                      autosize
                      minRows={3}
                    />
                    {answer.error && (
                      <Alert color="red" role="alert">
                        {errorMessage(answer.error)}
                      </Alert>
                    )}
                    <Button type="submit" disabled={score === null} loading={answer.isPending}>
                      Send my answer
                    </Button>
                  </>
                )}
              </Stack>
            </form>
          ))}
      </QueryState>
    </AuthCard>
  );
}
