import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function DestinationsPage() {
  return (
    <AreaPlaceholderPage
      title="Destinations"
      description="The tools Tandem sends your events and audiences to."
    />
  );
}
