import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function TasksPage() {
  return (
    <AreaPlaceholderPage
      title="Tasks"
      description="To-dos for your team, linked to the people, companies and deals they concern."
    />
  );
}
