import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function AudiencesPage() {
  return (
    <AreaPlaceholderPage
      title="Audiences"
      description="Segments of people defined by rules over their traits and events, kept up to date as data arrives."
    />
  );
}
