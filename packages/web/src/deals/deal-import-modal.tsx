import { Modal, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { ImportFileForm } from '../sources/import-file-form';
import { sourcesApi, sourcesQueryKey } from '../sources/sources-api';

/**
 * A deals file imported from the Deals page: the import runs through a source (its imports list
 * follows it), so the modal asks which one when the workspace has several.
 */
export function DealImportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const session = useCurrentSession();
  const sources = useQuery({
    queryKey: sourcesQueryKey(session.workspace.id),
    queryFn: () => sourcesApi.list(null),
    select: (page) => page.data.filter((source) => source.kind === 'tracking'),
    enabled: opened,
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const sourceId = chosen ?? sources.data?.[0]?.id ?? null;
  return (
    <Modal opened={opened} onClose={onClose} title="Import deals from a file" size="xl">
      <QueryState isPending={sources.isPending} error={sources.error} refetch={sources.refetch}>
        <Stack>
          {(sources.data?.length ?? 0) > 1 && (
            <Select
              label="Source"
              description="The import is listed under this source, with its progress and row errors."
              data={(sources.data ?? []).map((source) => ({ value: source.id, label: source.name }))}
              value={sourceId}
              onChange={setChosen}
              allowDeselect={false}
            />
          )}
          {sourceId ? (
            <ImportFileForm key={sourceId} sourceId={sourceId} />
          ) : (
            <Text c="dimmed">Create a source first: imports run through a source.</Text>
          )}
        </Stack>
      </QueryState>
    </Modal>
  );
}
