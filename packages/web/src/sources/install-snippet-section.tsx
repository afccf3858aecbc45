import { Alert, Button, Code, CopyButton, Group, Stack, Text, Title } from '@mantine/core';
import { installSnippet, roleAllows, type Source } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { sourcesQueryKey } from './sources-api';
import { websiteApi } from './website-api';

/**
 * How to put a tracking source on a website: Segment's snippet pointing at this Tandem (so
 * analytics.js collects into this source), then tandem.js with the publishable key.
 */
export function InstallSnippetSection({ source }: { source: Source }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(session.role, 'sources:write');
  const rotate = useMutation({
    mutationFn: () => websiteApi.rotatePublishableKey(source.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourcesQueryKey(session.workspace.id) }),
  });
  const snippet =
    source.writeKey === undefined
      ? undefined
      : installSnippet({
          tandemUrl: window.location.origin,
          writeKey: source.writeKey,
          publishableKey: source.publishableKey,
        });

  return (
    <Stack gap="sm" component="section" aria-label="Install on a website">
      <Title order={3}>Install on a website</Title>
      <Text size="sm" c="dimmed">
        Paste this in the &lt;head&gt; of every page. It is Segment's own analytics.js snippet with this
        Tandem as its host: page views, <Code>analytics.track</Code> and <Code>analytics.identify</Code>{' '}
        arrive in this source. The second script adds <Code>tandem.profile()</Code>, which answers what the
        personalization settings below expose about the visitor.
      </Text>
      {snippet ? (
        <Stack gap={4}>
          {/* Wrapped: the snippet's one long line must stay readable (and copyable) in place. */}
          <Code block aria-label="Install snippet" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {snippet}
          </Code>
          <Group>
            <CopyButton value={snippet}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy snippet'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          The snippet holds the write key: only roles that manage sources see it.
        </Text>
      )}
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Publishable key (safe in a browser: it only reads what is exposed)
        </Text>
        <Code>{source.publishableKey ?? 'none'}</Code>
        {canWrite && (
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            loading={rotate.isPending}
            onClick={() => rotate.mutate()}
          >
            Replace key
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        In a page:{' '}
        <Code>{"tandem.profile().then((visitor) => visitor.audiences.includes('VIP') && showOffer())"}</Code>
      </Text>
      {rotate.error && (
        <Alert color="red" role="alert">
          {errorMessage(rotate.error)}
        </Alert>
      )}
    </Stack>
  );
}
