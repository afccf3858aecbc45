import { Button, Center } from '@mantine/core';

type LoadMoreButtonProps = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
};

/** The footer of a cursor-paged list; renders nothing once the last page is in. */
export function LoadMoreButton({ hasNextPage, isFetchingNextPage, fetchNextPage }: LoadMoreButtonProps) {
  if (!hasNextPage) return null;
  return (
    <Center mt="sm">
      <Button variant="subtle" loading={isFetchingNextPage} onClick={() => fetchNextPage()}>
        Load more
      </Button>
    </Center>
  );
}
