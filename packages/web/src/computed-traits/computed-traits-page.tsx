import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function ComputedTraitsPage() {
  return (
    <AreaPlaceholderPage
      title="Computed traits"
      description="Traits Tandem derives from each profile’s events, such as order counts or last seen dates."
    />
  );
}
