import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { helpCenterApi, helpCenterKey } from './help-center-api';

/**
 * In the ticket composer: searches published public articles and hands back a link line
 * (`Title: https://…/help/<key>/articles/<slug>`) to insert into the reply.
 */
export function ArticleLinkPicker({ onInsert }: { onInsert: (text: string) => void }) {
  const session = useCurrentSession();
  const [search, setSearch] = useState('');
  const articles = useQuery({
    queryKey: [...helpCenterKey(session.workspace.id), 'picker', search],
    queryFn: () =>
      helpCenterApi.articles({ q: search.trim() || undefined, status: 'published', visibility: 'public' }),
    staleTime: 30_000,
  });
  const options = (articles.data?.data ?? []).filter((a) => a.publicUrl !== null);
  return (
    <Select
      aria-label="Insert an article link"
      placeholder="Insert an article link"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched title and body already: show what it found.
      filter={({ options: all }) => all}
      data={options.map((a) => ({ value: a.id, label: a.title }))}
      value={null}
      onChange={(id) => {
        const article = options.find((a) => a.id === id);
        if (article?.publicUrl) onInsert(`${article.title}: ${article.publicUrl}`);
        setSearch('');
      }}
      nothingFoundMessage={articles.isPending ? 'Searching…' : 'No published article matches'}
      w={260}
    />
  );
}
