import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
  Typography,
} from '@mantine/core';
import type { HelpArticle, HelpCategory } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { QueryState } from '../shared/query-state';
import { useCanWorkTickets } from '../tickets/use-ticket-queries';
import { helpCenterApi, helpCenterKey } from './help-center-api';

function useHelpMutation<I, O>(mutationFn: (input: I) => Promise<O>, onDone?: (result: O) => void) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: helpCenterKey(session.workspace.id) });
      onDone?.(result);
    },
  });
}

/** `/help-center`: knowledge-base articles by category, the editor, and the public site's address. */
export function HelpCenterPage() {
  const session = useCurrentSession();
  const canEdit = useCanWorkTickets();
  const key = helpCenterKey(session.workspace.id);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<HelpArticle | 'new' | null>(null);
  const site = useQuery({ queryKey: [...key, 'site'], queryFn: () => helpCenterApi.site() });
  const categories = useQuery({
    queryKey: [...key, 'categories'],
    queryFn: () => helpCenterApi.categories(),
  });
  const articles = useQuery({
    queryKey: [...key, 'articles', q],
    queryFn: () => helpCenterApi.articles({ q: q.trim() || undefined }),
  });
  const categoryList = categories.data?.data ?? [];
  const categoryName = new Map(categoryList.map((c) => [c.id, c.name]));

  if (editing !== null)
    return (
      <ArticleEditor
        key={editing === 'new' ? 'new' : editing.id}
        article={editing === 'new' ? null : editing}
        categories={categoryList}
        onDone={() => setEditing(null)}
      />
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Help center</Title>
        {canEdit && <Button onClick={() => setEditing('new')}>New article</Button>}
      </Group>
      {site.data && (
        <Text size="sm">
          Public help center:{' '}
          <Anchor href={site.data.url} target="_blank" rel="noreferrer">
            {site.data.url}
          </Anchor>{' '}
          · customer portal:{' '}
          <Anchor href={site.data.portalUrl} target="_blank" rel="noreferrer">
            {site.data.portalUrl}
          </Anchor>
        </Text>
      )}
      <Categories categories={categoryList} canEdit={canEdit} />
      <TextInput
        aria-label="Search articles"
        placeholder="Search titles and text"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maw={420}
      />
      <QueryState isPending={articles.isPending} error={articles.error} refetch={articles.refetch}>
        {(articles.data?.data ?? []).length === 0 ? (
          <Text c="dimmed">{q ? 'No article matches.' : 'No articles yet.'}</Text>
        ) : (
          <Table aria-label="Articles" striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th>Category</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(articles.data?.data ?? []).map((article) => (
                <Table.Tr key={article.id}>
                  <Table.Td fw={500}>
                    {article.publicUrl ? (
                      <Anchor href={article.publicUrl} target="_blank" rel="noreferrer">
                        {article.title}
                      </Anchor>
                    ) : (
                      article.title
                    )}
                  </Table.Td>
                  <Table.Td>
                    {article.categoryId ? (categoryName.get(article.categoryId) ?? '—') : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge color={article.status === 'published' ? 'green' : 'gray'} variant="light">
                        {article.status === 'published' ? 'Published' : 'Draft'}
                      </Badge>
                      {article.visibility === 'internal' && (
                        <Badge color="yellow" variant="light">
                          Internal
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{article.updatedAt.slice(0, 10)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {canEdit && (
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="light" onClick={() => setEditing(article)}>
                          Edit
                        </Button>
                        <ConfirmedMutationButton
                          label="Delete"
                          ariaLabel={`Delete ${article.title}`}
                          question={`Delete the article “${article.title}”? Links to it stop working.`}
                          confirmLabel="Delete"
                          run={() => helpCenterApi.removeArticle(article.id)}
                          invalidates={key}
                        />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

/** The categories in their public order; support adds, renames (by order) and removes them. */
function Categories({ categories, canEdit }: { categories: HelpCategory[]; canEdit: boolean }) {
  const session = useCurrentSession();
  const [name, setName] = useState('');
  const create = useHelpMutation(
    (input: { name: string }) => helpCenterApi.createCategory(input),
    () => setName(''),
  );
  const move = useHelpMutation((input: { id: string; position: number }) =>
    helpCenterApi.updateCategory(input),
  );
  const swap = (index: number, other: number) => {
    const a = categories[index];
    const b = categories[other];
    if (!a || !b) return;
    move.mutate({ id: a.id, position: other });
    move.mutate({ id: b.id, position: index });
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label="Categories">
      <Stack gap="xs">
        <Text fw={600}>Categories</Text>
        {categories.length === 0 && (
          <Text c="dimmed" size="sm">
            No categories yet.
          </Text>
        )}
        {categories.map((category, index) => (
          <Group key={category.id} justify="space-between">
            <Text size="sm">{category.name}</Text>
            {canEdit && (
              <Group gap="xs">
                <Button
                  size="compact-xs"
                  variant="subtle"
                  disabled={index === 0}
                  onClick={() => swap(index, index - 1)}
                  aria-label={`Move ${category.name} up`}
                >
                  ↑
                </Button>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  disabled={index === categories.length - 1}
                  onClick={() => swap(index, index + 1)}
                  aria-label={`Move ${category.name} down`}
                >
                  ↓
                </Button>
                <ConfirmedMutationButton
                  label="Remove"
                  ariaLabel={`Remove ${category.name}`}
                  question={`Remove the category “${category.name}”? Its articles stay, without a category.`}
                  confirmLabel="Remove"
                  run={() => helpCenterApi.removeCategory(category.id)}
                  invalidates={helpCenterKey(session.workspace.id)}
                />
              </Group>
            )}
          </Group>
        ))}
        {canEdit && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (name.trim()) create.mutate({ name: name.trim() });
            }}
          >
            <Group gap="xs">
              <TextInput
                aria-label="New category"
                placeholder="New category"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                size="xs"
              />
              <Button type="submit" size="xs" variant="light" loading={create.isPending}>
                Add category
              </Button>
            </Group>
          </form>
        )}
        {create.error && (
          <Alert color="red" role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function ArticleEditor({
  article,
  categories,
  onDone,
}: {
  article: HelpArticle | null;
  categories: HelpCategory[];
  onDone: () => void;
}) {
  const [title, setTitle] = useState(article?.title ?? '');
  const [slug, setSlug] = useState(article?.slug ?? '');
  const [body, setBody] = useState(article?.body ?? '');
  const [categoryId, setCategoryId] = useState<string | null>(article?.categoryId ?? null);
  const [status, setStatus] = useState<'draft' | 'published'>(article?.status ?? 'draft');
  const [visibility, setVisibility] = useState<'public' | 'internal'>(article?.visibility ?? 'public');
  const [tab, setTab] = useState<string | null>('write');
  const preview = useQuery({
    queryKey: ['help-center-preview', body],
    queryFn: () => helpCenterApi.preview(body),
    enabled: tab === 'preview',
  });
  const save = useHelpMutation(() => {
    const input = {
      title,
      body,
      categoryId,
      status,
      visibility,
      ...(slug.trim() ? { slug: slug.trim() } : {}),
    };
    return article
      ? helpCenterApi.updateArticle({ id: article.id, ...input })
      : helpCenterApi.createArticle(input);
  }, onDone);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(undefined);
  };
  return (
    <Stack>
      <Title order={2}>{article ? `Edit “${article.title}”` : 'New article'}</Title>
      <Paper withBorder p="md">
        <form onSubmit={submit} aria-label={article ? 'Edit article' : 'New article'}>
          <Stack gap="sm">
            <TextInput
              label="Title"
              required
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
            />
            <Group grow align="flex-start">
              <TextInput
                label="Slug"
                description="The end of the public address; made from the title when empty"
                value={slug}
                onChange={(e) => setSlug(e.currentTarget.value)}
              />
              <Select
                label="Category"
                placeholder="No category"
                clearable
                data={categories.map((c) => ({ value: c.id, label: c.name }))}
                value={categoryId}
                onChange={setCategoryId}
              />
            </Group>
            <Group>
              <SegmentedControl
                aria-label="Status"
                value={status}
                onChange={(value) => setStatus(value === 'published' ? 'published' : 'draft')}
                data={[
                  { value: 'draft', label: 'Draft' },
                  { value: 'published', label: 'Published' },
                ]}
              />
              <SegmentedControl
                aria-label="Visibility"
                value={visibility}
                onChange={(value) => setVisibility(value === 'internal' ? 'internal' : 'public')}
                data={[
                  { value: 'public', label: 'Public' },
                  { value: 'internal', label: 'Internal (agents only)' },
                ]}
              />
            </Group>
            <Tabs value={tab} onChange={setTab}>
              <Tabs.List>
                <Tabs.Tab value="write">Write</Tabs.Tab>
                <Tabs.Tab value="preview">Preview</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="write" pt="xs">
                <Textarea
                  aria-label="Body (Markdown)"
                  description="Markdown: # headings, **bold**, *italic*, - lists, 1. lists, [links](https://…), `code`"
                  autosize
                  minRows={12}
                  value={body}
                  onChange={(e) => setBody(e.currentTarget.value)}
                />
              </Tabs.Panel>
              <Tabs.Panel value="preview" pt="xs">
                <Paper withBorder p="md" aria-label="Preview" component="section">
                  <Title order={3} mb="sm">
                    {title || 'Untitled'}
                  </Title>
                  {preview.isPending ? (
                    <Text c="dimmed">Rendering…</Text>
                  ) : (
                    // The server escapes all HTML in the Markdown and keeps only safe links.
                    <Typography>
                      <div dangerouslySetInnerHTML={{ __html: preview.data?.html ?? '' }} />
                    </Typography>
                  )}
                </Paper>
              </Tabs.Panel>
            </Tabs>
            {save.error && (
              <Alert color="red" role="alert">
                {errorMessage(save.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onDone}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
