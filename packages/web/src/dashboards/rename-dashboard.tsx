import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import type { Dashboard } from '@tandem/contract';
import { useState } from 'react';

/** Renames a dashboard and sets the line under its title. */
export function RenameDashboard(props: {
  dashboard: Dashboard;
  onSave: (patch: { name: string; description: string }) => void;
}) {
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState(props.dashboard.name);
  const [description, setDescription] = useState(props.dashboard.description);
  return (
    <>
      <Button
        variant="default"
        onClick={() => {
          setName(props.dashboard.name);
          setDescription(props.dashboard.description);
          setOpened(true);
        }}
      >
        Rename
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Rename dashboard">
        <Stack>
          <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} />
          <TextInput
            label="Description"
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              disabled={name.trim() === ''}
              onClick={() => {
                props.onSave({ name, description });
                setOpened(false);
              }}
            >
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
