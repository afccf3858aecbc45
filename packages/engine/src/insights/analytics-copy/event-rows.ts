import type { StoredEvent } from '@tandem/contract';
import { type AnalyticsEventRow, PAGE_EVENT, SCREEN_EVENT } from '../analytics-store/index.js';

/**
 * An event of the log as the analytics copy holds it, with the person it belongs to; undefined
 * for calls that are no behaviour (identify, group, alias). Page and screen calls take the names
 * `Page Viewed` / `Screen Viewed`, their own name (and category) joining their properties; the
 * campaign of `context.campaign` (utm_*) is kept for attribution.
 */
export function analyticsRowOf(
  workspaceId: string,
  event: StoredEvent,
  profileId: string,
): AnalyticsEventRow | undefined {
  const name = eventNameOf(event);
  if (name === undefined) return undefined;
  const payload = event.payload;
  const properties = { ...objectOr(payload.properties) };
  if (event.type !== 'track') {
    for (const key of ['name', 'category'] as const) {
      const value = payload[key];
      if (typeof value === 'string' && !(key in properties)) properties[key] = value;
    }
  }
  const campaign = objectOr(objectOr(payload.context).campaign);
  return {
    workspaceId,
    seq: event.seq,
    profileId,
    type: event.type,
    event: name,
    timestamp: event.timestamp,
    sourceId: event.sourceId,
    properties: JSON.stringify(properties),
    utmSource: textOr(campaign.source),
    utmMedium: textOr(campaign.medium),
    utmCampaign: textOr(campaign.name) ?? textOr(campaign.campaign),
  };
}

function eventNameOf(event: StoredEvent): string | undefined {
  switch (event.type) {
    case 'track':
      return event.event ?? undefined;
    case 'page':
      return PAGE_EVENT;
    case 'screen':
      return SCREEN_EVENT;
    case 'identify':
    case 'group':
    case 'alias':
      return undefined;
    default: {
      const unknownType: never = event.type;
      throw new Error(`unknown call type ${String(unknownType)}`);
    }
  }
}

function objectOr(value: unknown): Record<string, unknown> {
  // Parsed JSON: a non-null, non-array object is a record.
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function textOr(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
