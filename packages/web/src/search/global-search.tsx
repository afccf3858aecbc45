import { Badge, Button, Group, Kbd, Loader, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import '@mantine/spotlight/styles.css';
import { SEARCH_TYPES, type SearchHit } from '@tandem/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { SEARCH_TARGETS, searchApi } from './search-api';

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The header's search button: opens the palette, and shows its shortcut. */
export function GlobalSearchButton() {
  return (
    <Button
      variant="default"
      size="xs"
      onClick={() => spotlight.open()}
      rightSection={<Kbd size="xs">{IS_MAC ? '⌘K' : 'Ctrl K'}</Kbd>}
      aria-label="Open global search"
    >
      Search
    </Button>
  );
}

/**
 * The command palette (⌘K / Ctrl+K): finds people, companies and deals by name, email or domain
 * as one types (a typo is forgiven), and opens the chosen record.
 */
export function GlobalSearch() {
  const { workspace } = useCurrentSession();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 150);
  const results = useQuery({
    queryKey: ['search', workspace.id, debounced],
    queryFn: () => searchApi.search(debounced),
    enabled: debounced !== '',
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const hits = debounced === '' ? [] : (results.data?.data ?? []);

  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut={['mod + K']} scrollable maxHeight={480}>
      <Spotlight.Search
        placeholder="Search people, companies and deals…"
        aria-label="Find people, companies and deals"
        rightSection={results.isFetching ? <Loader size="xs" aria-label="Searching" /> : null}
      />
      <Spotlight.ActionsList aria-label="Search results">
        {SEARCH_TYPES.map((type) => {
          const ofType = hits.filter((hit) => hit.type === type);
          if (ofType.length === 0) return null;
          return (
            <Spotlight.ActionsGroup key={type} label={SEARCH_TARGETS[type].label}>
              {ofType.map((hit) => (
                <Spotlight.Action
                  key={`${hit.type}:${hit.id}`}
                  onClick={() => navigate(SEARCH_TARGETS[type].pathOf(hit.id))}
                >
                  <SearchResult hit={hit} />
                </Spotlight.Action>
              ))}
            </Spotlight.ActionsGroup>
          );
        })}
        {hits.length === 0 && <Spotlight.Empty>{emptyText(debounced, results)}</Spotlight.Empty>}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}

function SearchResult({ hit }: { hit: SearchHit }) {
  return (
    <Group wrap="nowrap" justify="space-between" w="100%">
      <div>
        <Text size="sm">{hit.title}</Text>
        {/* Not `dimmed`: the selected row's background is the primary colour. */}
        {hit.subtitle && (
          <Text size="xs" opacity={0.75}>
            {hit.subtitle}
          </Text>
        )}
      </div>
      {hit.typos > 0 && (
        <Badge size="xs" variant="light" color="gray" title={`Matched “${hit.matched}”`}>
          close match
        </Badge>
      )}
    </Group>
  );
}

function emptyText(q: string, results: { isPending: boolean; error: unknown }): string {
  if (q === '') return 'Type a name, an email or a domain.';
  if (results.error) return `Search failed: ${errorMessage(results.error)}`;
  if (results.isPending) return 'Searching…';
  return `Nothing matches “${q}”.`;
}
