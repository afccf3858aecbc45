import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function PeoplePage() {
  return (
    <AreaPlaceholderPage
      title="People"
      description="One profile per person, merged from every identifier, event and trait Tandem has seen."
    />
  );
}
