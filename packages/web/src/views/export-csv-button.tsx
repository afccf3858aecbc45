import { Button } from '@mantine/core';
import { peopleExportUrl } from './views-api';

/** Downloads the people of a view (everyone without one) as CSV, streamed by the server. */
export function ExportPeopleCsvButton({ viewId }: { viewId: string | null }) {
  return (
    <Button component="a" variant="default" href={peopleExportUrl(viewId)} download="people.csv">
      Export CSV
    </Button>
  );
}
