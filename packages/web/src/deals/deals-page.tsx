import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function DealsPage() {
  return (
    <AreaPlaceholderPage
      title="Deals"
      description="Opportunities moving through your sales pipelines, stage by stage."
    />
  );
}
