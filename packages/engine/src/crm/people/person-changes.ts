import type { CrmEvent } from '../crm-events.js';
import type { PersonRecord } from './person-records.js';

/** The CRM fields a profile's traits mirror (audiences filter on them). */
export function crmTraitsOf(record: PersonRecord, before: PersonRecord): Record<string, unknown> {
  const traits: Record<string, unknown> = {
    crm_owner_id: record.ownerId,
    crm_lifecycle_stage: record.lifecycleStage,
    crm_lead_status: record.leadStatus,
    crm_tags: record.tags,
  };
  for (const [key, value] of Object.entries(record.fields)) traits[`crm_${key}`] = value;
  // A cleared custom field clears its trait.
  for (const key of Object.keys(before.fields)) if (!(key in record.fields)) traits[`crm_${key}`] = null;
  return traits;
}

/** The events a change of a person's CRM record appends about them (none when nothing changed). */
export function personChangeEvents(
  before: PersonRecord,
  after: PersonRecord,
  about: { workspaceId: string; profileId: string; actorId: string | null; at: string; changeId: string },
): CrmEvent[] {
  const { changeId, ...who } = about;
  const events: CrmEvent[] = [];
  const push = (event: string, properties: Record<string, unknown>) =>
    events.push({
      ...who,
      event,
      properties,
      messageId: `person-${changeId}-${event.toLowerCase().replaceAll(' ', '-')}`,
    });
  if (before.ownerId !== after.ownerId) push('Owner Changed', { from: before.ownerId, to: after.ownerId });
  if (before.lifecycleStage !== after.lifecycleStage) {
    push('Lifecycle Stage Changed', { from: before.lifecycleStage, to: after.lifecycleStage });
  }
  if (before.leadStatus !== after.leadStatus)
    push('Lead Status Changed', { from: before.leadStatus, to: after.leadStatus });
  const added = after.tags.filter((t) => !before.tags.includes(t));
  const removed = before.tags.filter((t) => !after.tags.includes(t));
  if (added.length + removed.length > 0) push('Tags Changed', { added, removed, tags: after.tags });
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before.fields), ...Object.keys(after.fields)])) {
    const from = before.fields[key] ?? null;
    const to = after.fields[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changed[key] = { from, to };
  }
  if (Object.keys(changed).length > 0) push('Custom Fields Changed', { changed });
  return events;
}
