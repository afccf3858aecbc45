import { Center, Loader } from '@mantine/core';

/** Shown while an area's code downloads (the navbar and header stay in place). */
export function PageLoading() {
  return (
    <Center p="lg">
      <Loader aria-label="Loading page" />
    </Center>
  );
}
