import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { DestinationEditor } from './destination-editor';
import { createBody, emptyDestinationForm } from './destination-form';
import { destinationsApi, destinationsQueryKey } from './destinations-api';
import { destinationPath } from './destinations-table';

/** `/destinations/new`: pick a type, fill its form, subscribe, save. */
export function NewDestinationPage() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: destinationsApi.create,
    onSuccess: async (destination) => {
      await queryClient.invalidateQueries({ queryKey: destinationsQueryKey(session.workspace.id) });
      navigate(destinationPath(destination.id));
    },
  });

  return (
    <Stack gap="lg" maw={1100}>
      <Anchor component={Link} to="/destinations" size="sm">
        ← Destinations
      </Anchor>
      <div>
        <Title order={2}>New destination</Title>
        <Text c="dimmed">Where should Tandem send your data, and what should it send?</Text>
      </div>
      <DestinationEditor
        mode="create"
        initial={emptyDestinationForm('webhook')}
        saving={create.isPending}
        error={create.error}
        submitLabel="Create destination"
        onSubmit={(form) => create.mutate(createBody(form))}
        onCancel={() => navigate('/destinations')}
      />
    </Stack>
  );
}
