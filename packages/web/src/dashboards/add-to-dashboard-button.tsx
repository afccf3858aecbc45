import { Alert, Anchor, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { dashboardsApi, dashboardsQueryKey } from './dashboards-api';

const NEW = '__new__';

/** Puts a saved insight on a dashboard, an existing one or one created here. */
export function AddToDashboardButton({ insightId }: { insightId: string }) {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [choice, setChoice] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const dashboards = useQuery({
    queryKey: [...dashboardsQueryKey(workspace.id), 'list'],
    queryFn: dashboardsApi.list,
    enabled: opened,
  });
  const add = useMutation({
    mutationFn: async () => {
      const dashboardId =
        choice === NEW || choice === null ? (await dashboardsApi.create({ name: newName })).id : choice;
      return dashboardsApi.addTile(dashboardId, { insightId, width: 1 });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardsQueryKey(workspace.id) }),
  });
  const options = [
    ...(dashboards.data?.data ?? []).map((dashboard) => ({ value: dashboard.id, label: dashboard.name })),
    { value: NEW, label: 'A new dashboard…' },
  ];
  const creating = choice === NEW || (choice === null && options.length === 1);
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        Add to dashboard
      </Button>
      <Modal
        opened={opened}
        onClose={() => {
          setOpened(false);
          add.reset();
        }}
        title="Add to dashboard"
      >
        <Stack>
          <Select
            label="Dashboard"
            data={options}
            value={creating ? NEW : choice}
            onChange={setChoice}
            allowDeselect={false}
          />
          {creating ? (
            <TextInput
              label="New dashboard name"
              value={newName}
              onChange={(event) => setNewName(event.currentTarget.value)}
            />
          ) : null}
          {add.error ? (
            <Alert color="red" role="alert">
              {errorMessage(add.error)}
            </Alert>
          ) : null}
          {add.data ? (
            <Alert color="green" role="status">
              Added to{' '}
              <Anchor component={Link} to={`/dashboards/${encodeURIComponent(add.data.id)}`}>
                {add.data.name}
              </Anchor>
              .
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button
              onClick={() => add.mutate()}
              loading={add.isPending}
              disabled={creating && newName.trim() === ''}
            >
              Add
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
