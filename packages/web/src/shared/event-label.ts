const CALL_LABELS: Readonly<Record<string, string>> = {
  identify: 'Identified',
  page: 'Page viewed',
  screen: 'Screen viewed',
  group: 'Joined a group',
  alias: 'Linked an id',
};

/** What a person reads for an event: its track name, its page or screen name, else what the call does. */
export function eventLabel(event: { type: string; event: string | null; name?: string | null }): string {
  if (event.event) return event.event;
  if (event.name) return event.name;
  return CALL_LABELS[event.type] ?? event.type;
}
