import { Alert, Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { ComputedTraitEditor } from './computed-trait-editor';
import { computedTraitsApi, computedTraitsQueryKey } from './computed-traits-api';

/** `/computed-traits/new` defines a new trait; `/computed-traits/:id` edits one. */
export function ComputedTraitPage() {
  const { id = '' } = useParams();
  return id === 'new' ? <NewComputedTrait /> : <EditComputedTrait traitId={id} />;
}

function Crumbs({ current }: { current: string }) {
  return (
    <Breadcrumbs>
      <Anchor component={Link} to="/computed-traits">
        Computed traits
      </Anchor>
      <Text>{current}</Text>
    </Breadcrumbs>
  );
}

function NewComputedTrait() {
  const navigate = useNavigate();
  return (
    <Stack>
      <Crumbs current="New computed trait" />
      <Title order={2}>New computed trait</Title>
      <Text c="dimmed">
        Pick an event and how to aggregate it. Saving computes the value for every profile from their history.
      </Text>
      <ComputedTraitEditor
        onSaved={(trait) => navigate(`/computed-traits/${encodeURIComponent(trait.id)}`)}
        onCancel={() => navigate('/computed-traits')}
      />
    </Stack>
  );
}

function EditComputedTrait({ traitId }: { traitId: string }) {
  const { workspace } = useCurrentSession();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const trait = useQuery({
    queryKey: [...computedTraitsQueryKey(workspace.id), 'trait', traitId],
    queryFn: () => computedTraitsApi.get(traitId),
  });
  return (
    <QueryState isPending={trait.isPending} error={trait.error} refetch={trait.refetch}>
      {trait.data ? (
        <Stack>
          <Crumbs current={trait.data.name} />
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={2} ff="monospace">
                {trait.data.name}
              </Title>
              <Text size="sm" c="dimmed">
                Created {formatDate(trait.data.createdAt)} · updated {formatDate(trait.data.updatedAt)}
              </Text>
            </div>
            <ConfirmedMutationButton
              label="Delete computed trait"
              ariaLabel="Delete computed trait"
              question="Delete this computed trait? Its values disappear from every profile."
              confirmLabel="Delete"
              run={async () => {
                await computedTraitsApi.remove(traitId);
                navigate('/computed-traits');
              }}
              invalidates={computedTraitsQueryKey(workspace.id)}
            />
          </Group>
          {saved ? (
            <Alert color="green" variant="light" withCloseButton onClose={() => setSaved(false)}>
              Saved. Every profile’s value was recomputed from its history.
            </Alert>
          ) : null}
          <ComputedTraitEditor key={trait.data.updatedAt} trait={trait.data} onSaved={() => setSaved(true)} />
        </Stack>
      ) : null}
    </QueryState>
  );
}
