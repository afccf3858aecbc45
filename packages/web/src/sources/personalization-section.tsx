import { Alert, Button, Group, MultiSelect, Stack, TagsInput, Text, Title } from '@mantine/core';
import { type PersonalizationSettings, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { websiteApi } from './website-api';

/** What the personalization API may show a browser: chosen traits, computed traits, audiences. */
export function PersonalizationSection() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(session.role, 'sources:write');
  const key = ['personalization', session.workspace.id] as const;
  const settings = useQuery({ queryKey: key, queryFn: websiteApi.personalization });
  const computedTraits = useQuery({
    queryKey: ['computed-traits', session.workspace.id, 'all'],
    queryFn: websiteApi.computedTraits,
  });
  const audiences = useQuery({
    queryKey: ['audiences', session.workspace.id, 'all'],
    queryFn: websiteApi.audiences,
  });
  const [draft, setDraft] = useState<PersonalizationSettings | undefined>();
  useEffect(() => {
    if (settings.data) setDraft(settings.data);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: websiteApi.savePersonalization,
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
  });
  const changed = draft !== undefined && JSON.stringify(draft) !== JSON.stringify(settings.data);

  return (
    <Stack gap="sm" component="section" aria-label="Personalization">
      <Title order={3}>Personalization</Title>
      <Text size="sm" c="dimmed">
        What <code>tandem.profile()</code> may tell a page about its visitor, for every website of this
        workspace. Nothing else of a profile ever reaches a browser.
      </Text>
      <QueryState isPending={settings.isPending} error={settings.error} refetch={settings.refetch}>
        {draft && (
          <Stack gap="sm" maw={720}>
            <TagsInput
              label="Traits"
              description="Trait names, as profiles store them (press Enter after each)"
              placeholder={canWrite ? 'plan' : draft.traits.length ? undefined : 'None'}
              value={draft.traits}
              onChange={(traits) => setDraft({ ...draft, traits })}
              disabled={!canWrite}
            />
            <MultiSelect
              label="Computed traits"
              placeholder={
                computedTraits.data?.data.length ? 'Pick computed traits' : 'No computed traits yet'
              }
              data={(computedTraits.data?.data ?? []).map((trait) => trait.name)}
              value={draft.computedTraits}
              onChange={(names) => setDraft({ ...draft, computedTraits: names })}
              searchable
              disabled={!canWrite}
            />
            <MultiSelect
              label="Audiences"
              description="The page sees the names of these audiences when its visitor belongs to them"
              placeholder={
                !canWrite
                  ? draft.audiences.length
                    ? undefined
                    : 'None'
                  : audiences.data?.data.length
                    ? 'Pick audiences'
                    : 'No audiences yet'
              }
              data={(audiences.data?.data ?? []).map((audience) => ({
                value: audience.id,
                label: audience.name,
              }))}
              value={draft.audiences}
              onChange={(ids) => setDraft({ ...draft, audiences: ids })}
              searchable
              disabled={!canWrite}
            />
            {!canWrite && (
              <Text size="sm" c="dimmed">
                Only roles that manage sources change what is exposed.
              </Text>
            )}
            {canWrite && (
              <Group>
                <Button onClick={() => save.mutate(draft)} loading={save.isPending} disabled={!changed}>
                  Save what is exposed
                </Button>
                {save.isSuccess && !changed && (
                  <Text size="sm" c="teal">
                    Saved. Pages see the change within a second.
                  </Text>
                )}
              </Group>
            )}
            {save.error && (
              <Alert color="red" role="alert">
                {errorMessage(save.error)}
              </Alert>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
