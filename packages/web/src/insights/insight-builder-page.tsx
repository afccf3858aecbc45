import {
  Alert,
  Anchor,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { INSIGHT_RANGES, type InsightKind, roleAllows, type SavedInsight } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { AddToDashboardButton } from '../dashboards/add-to-dashboard-button';
import { RulePickersContext, useLoadRulePickers } from '../rules/rule-pickers';
import { QueryState } from '../shared/query-state';
import {
  CHART_LABELS,
  CHARTS_BY_KIND,
  type InsightDraft,
  KIND_LABELS,
  NEW_DRAFT,
  switchKind,
} from './insight-draft';
import { InsightQueryForm } from './insight-query-form';
import { RANGE_LABELS } from './insight-range';
import { InsightView } from './insight-view';
import { savedInsightsApi, savedInsightsQueryKey } from './insights-api';

/** `/insights/new` and `/insights/:id`: build an insight, see its chart, save it, put it on a dashboard. */
export function InsightBuilderPage() {
  const { id = 'new' } = useParams();
  const { workspace } = useCurrentSession();
  const saved = useQuery({
    queryKey: [...savedInsightsQueryKey(workspace.id), 'one', id],
    queryFn: () => savedInsightsApi.get(id),
    enabled: id !== 'new',
  });
  if (id === 'new') return <InsightBuilder key="new" saved={null} />;
  return (
    <QueryState isPending={saved.isPending} error={saved.error} refetch={saved.refetch}>
      {saved.data ? <InsightBuilder key={saved.data.id} saved={saved.data} /> : null}
    </QueryState>
  );
}

function InsightBuilder({ saved }: { saved: SavedInsight | null }) {
  const session = useCurrentSession();
  const canWrite = roleAllows(session.role, 'insights:write');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const pickers = useLoadRulePickers();
  const [draft, setDraft] = useState<InsightDraft>(
    saved ? { query: saved.query, chart: saved.chart, range: saved.range } : NEW_DRAFT,
  );
  const [name, setName] = useState(saved?.name ?? '');
  const [description, setDescription] = useState(saved?.description ?? '');
  const [saveAsOpen, setSaveAsOpen] = useState(false);
  const [saveAsName, setSaveAsName] = useState('');

  const afterSave = async (insight: SavedInsight) => {
    await queryClient.invalidateQueries({ queryKey: savedInsightsQueryKey(session.workspace.id) });
    if (insight.id !== saved?.id) navigate(`/insights/${encodeURIComponent(insight.id)}`);
  };
  const save = useMutation({
    mutationFn: (as: { name: string; copy: boolean }) =>
      saved && !as.copy
        ? savedInsightsApi.update(saved.id, { name: as.name, description, ...draft })
        : savedInsightsApi.create({ name: as.name, description, ...draft }),
    onSuccess: afterSave,
  });
  const kind = draft.query.kind;

  return (
    <RulePickersContext.Provider value={pickers}>
      <Stack>
        <Group justify="space-between" align="flex-end">
          <div>
            <Anchor component={Link} to="/insights" size="sm">
              ← Insights
            </Anchor>
            <Title order={2}>{saved ? saved.name : 'New insight'}</Title>
          </div>
          <Group align="flex-end">
            <TextInput
              label="Name"
              placeholder="e.g. Signup funnel"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              w={240}
              disabled={!canWrite}
            />
            <Button
              onClick={() => save.mutate({ name, copy: false })}
              loading={save.isPending}
              disabled={!canWrite || name.trim() === ''}
            >
              Save
            </Button>
            {saved ? (
              <>
                <Button
                  variant="default"
                  disabled={!canWrite}
                  onClick={() => {
                    setSaveAsName(`${name} (copy)`);
                    setSaveAsOpen(true);
                  }}
                >
                  Save as…
                </Button>
                <AddToDashboardButton insightId={saved.id} />
              </>
            ) : null}
          </Group>
        </Group>
        {save.error ? (
          <Alert color="red" role="alert" title="Not saved">
            {errorMessage(save.error)}
          </Alert>
        ) : null}
        {save.isSuccess && saved && save.data.id === saved.id ? (
          <Text size="sm" c="green" role="status">
            Saved.
          </Text>
        ) : null}
        {!saved ? (
          <Text size="sm" c="dimmed">
            Save the insight to put it on a dashboard.
          </Text>
        ) : null}
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder radius="md" p="md">
              <Stack>
                <TextInput
                  label="Description"
                  placeholder="What this shows, for whoever opens it"
                  value={description}
                  onChange={(event) => setDescription(event.currentTarget.value)}
                  disabled={!canWrite}
                />
                <SegmentedControl
                  aria-label="Insight kind"
                  fullWidth
                  data={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
                  value={kind}
                  onChange={(next) => setDraft(switchKind(draft, next as InsightKind))}
                />
                <InsightQueryForm query={draft.query} onChange={(query) => setDraft({ ...draft, query })} />
              </Stack>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder radius="md" p="md">
              <Stack>
                <Group>
                  {kind === 'retention' ? null : (
                    <Select
                      label="Date range"
                      data={INSIGHT_RANGES.filter(
                        (range) => range !== 'custom' || draft.range === 'custom',
                      ).map((range) => ({ value: range, label: RANGE_LABELS[range] }))}
                      value={draft.range}
                      allowDeselect={false}
                      onChange={(range) =>
                        range && setDraft({ ...draft, range: range as InsightDraft['range'] })
                      }
                      w={200}
                    />
                  )}
                  <Select
                    label="Chart"
                    data={CHARTS_BY_KIND[kind].map((chart) => ({ value: chart, label: CHART_LABELS[chart] }))}
                    value={draft.chart}
                    allowDeselect={false}
                    onChange={(chart) =>
                      chart && setDraft({ ...draft, chart: chart as InsightDraft['chart'] })
                    }
                    w={160}
                  />
                </Group>
                <InsightView name={name || 'insight'} {...draft} interactive />
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      </Stack>
      <Modal opened={saveAsOpen} onClose={() => setSaveAsOpen(false)} title="Save as a new insight">
        <Stack>
          <TextInput
            label="Name"
            value={saveAsName}
            onChange={(event) => setSaveAsName(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              disabled={saveAsName.trim() === ''}
              loading={save.isPending}
              onClick={() => {
                save.mutate({ name: saveAsName, copy: true });
                setSaveAsOpen(false);
              }}
            >
              Save copy
            </Button>
          </Group>
        </Stack>
      </Modal>
    </RulePickersContext.Provider>
  );
}
