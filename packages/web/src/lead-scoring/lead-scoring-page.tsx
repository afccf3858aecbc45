import { Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { CalibrationSection } from './calibration-section';
import { leadScoringApi, leadScoringQueryKey } from './lead-scoring-api';
import { ScoringRulesSection } from './scoring-rules-section';
import { TopLeadsSection } from './top-leads-section';

/** While a rescore runs, how often its progress is read. */
const RESCORE_POLL_MS = 1000;

/** `/lead-scoring`: the rules of the score and their caps, the top leads, and the calibration. */
export function LeadScoringPage() {
  const { workspace } = useCurrentSession();
  const scoring = useQuery({
    queryKey: [...leadScoringQueryKey(workspace.id), 'settings'],
    queryFn: leadScoringApi.get,
    refetchInterval: (query) => (query.state.data?.rescore.running ? RESCORE_POLL_MS : false),
  });
  // A finished rescore changes the top leads and the bands.
  const queryClient = useQueryClient();
  const running = scoring.data?.rescore.running ?? false;
  useEffect(() => {
    if (running) return;
    for (const part of ['top', 'calibration'])
      queryClient.invalidateQueries({ queryKey: [...leadScoringQueryKey(workspace.id), part] });
  }, [running, queryClient, workspace.id]);
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Lead scoring</Title>
        <Text c="dimmed" size="sm" maw={760}>
          Each rule gives points when a person meets its condition. Fit rules say who they are, engagement
          rules what they did; scores follow every new event, and each person’s score shows which rules made
          it.
        </Text>
      </div>
      <QueryState isPending={scoring.isPending} error={scoring.error} refetch={scoring.refetch}>
        {scoring.data ? <ScoringRulesSection scoring={scoring.data} /> : null}
      </QueryState>
      <TopLeadsSection />
      <CalibrationSection />
    </Stack>
  );
}
