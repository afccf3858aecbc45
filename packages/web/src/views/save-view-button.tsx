import { Alert, Button, Group, Modal, Stack, Switch, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { SavedView, SavedViewEntity } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { type ViewDefinition, viewsApi, viewsQueryKey } from './views-api';

type SaveViewButtonProps = {
  entity: SavedViewEntity;
  /** The list's filters, sort and columns as they are on screen. */
  definition: ViewDefinition;
  onSaved?: (view: SavedView) => void;
};

/** Saves what a list shows as a named view, the caller's own or shared with the workspace. */
export function SaveViewButton({ entity, definition, onSaved }: SaveViewButtonProps) {
  const [opened, modal] = useDisclosure(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => viewsApi.create({ entity, name: name.trim(), shared, ...definition }),
    onSuccess: async (view) => {
      await queryClient.invalidateQueries({ queryKey: viewsQueryKey(workspace.id) });
      modal.close();
      setName('');
      setShared(false);
      onSaved?.(view);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (name.trim() !== '') save.mutate();
  };

  return (
    <>
      <Button variant="default" onClick={modal.open}>
        Save view
      </Button>
      <Modal opened={opened} onClose={modal.close} title="Save view">
        <form onSubmit={submit} aria-label="Save view">
          <Stack>
            <TextInput
              label="Name"
              placeholder="Hot leads this month"
              required
              maxLength={100}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              data-autofocus
            />
            <Switch
              label="Share with the workspace"
              description="Everyone in the workspace sees it; only you (and admins) can change it."
              checked={shared}
              onChange={(event) => setShared(event.currentTarget.checked)}
            />
            {save.error ? (
              <Alert color="red" role="alert">
                {errorMessage(save.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={name.trim() === ''}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
