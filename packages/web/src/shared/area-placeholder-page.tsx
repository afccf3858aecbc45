import { EmptyState, Stack, Title } from '@mantine/core';

type AreaPlaceholderPageProps = {
  title: string;
  /** One sentence on what the area will hold once it is built. */
  description: string;
};

/** Stands in for a product area that is not built yet; it shows no sample data on purpose. */
export function AreaPlaceholderPage({ title, description }: AreaPlaceholderPageProps) {
  return (
    <Stack>
      <Title order={2}>{title}</Title>
      <EmptyState title="Coming soon" description={description} />
    </Stack>
  );
}
