import type {
  Audience,
  ComputedTrait,
  CreateDestination,
  Delivery,
  DeliveryDetail,
  DeliveryStatus,
  Destination,
  DestinationSync,
  DestinationTestRequest,
  DestinationTestResult,
  ReplayRequest,
  ReplayResult,
  UpdateDestination,
} from '@tandem/contract';
import { ApiError, apiClient, type Page, withPage } from '../api/api-client';

const destinationPath = (destinationId: string) =>
  `/api/v1/destinations/${encodeURIComponent(destinationId)}`;

/** A mapping tried on a sample without a destination (the create form has none yet). */
export type MappingTestResult = Omit<DestinationTestResult, 'sent'>;

/** A consent purpose as the consent API lists it; only `key` (or `name`) is needed here. */
export type ConsentPurpose = { key: string; label?: string; description?: string };

/**
 * A file of an audience-file destination (`GET /api/v1/destinations/{id}/files`, served by the
 * audience-files domain): a full export, or an hour's additions or removals.
 */
export type AudienceFileRow = {
  id: string;
  audience: { id: string; name: string };
  kind: 'full' | 'additions' | 'removals';
  format: string;
  fileName: string;
  rows: number;
  path: string | null;
  createdAt: string;
  updatedAt: string;
};

/** An event name of the catalog with the property names seen on it. */
export type CatalogEventNames = { name: string; properties: string[] };

export const destinationsApi = {
  list: (cursor: string | null) =>
    apiClient.get<Page<Destination>>(withPage('/api/v1/destinations', { cursor })),
  get: (destinationId: string) => apiClient.get<Destination>(destinationPath(destinationId)),
  create: (input: CreateDestination) => apiClient.post<Destination>('/api/v1/destinations', input),
  update: (destinationId: string, input: UpdateDestination) =>
    apiClient.patch<Destination>(destinationPath(destinationId), input),
  remove: (destinationId: string) => apiClient.delete(destinationPath(destinationId)),
  deliveries: (destinationId: string, status: DeliveryStatus | null, cursor: string | null) =>
    apiClient.get<Page<Delivery>>(
      withPage(`${destinationPath(destinationId)}/deliveries`, { status, cursor }),
    ),
  delivery: (destinationId: string, deliveryId: string) =>
    apiClient.get<DeliveryDetail>(
      `${destinationPath(destinationId)}/deliveries/${encodeURIComponent(deliveryId)}`,
    ),
  replay: (destinationId: string, input: ReplayRequest) =>
    apiClient.post<ReplayResult>(`${destinationPath(destinationId)}/replay`, input),
  test: (destinationId: string, input: DestinationTestRequest) =>
    apiClient.post<DestinationTestResult>(`${destinationPath(destinationId)}/test`, input),
  /** The full sync of a warehouse or audience-file destination; answers when done. */
  sync: (destinationId: string) => apiClient.post<DestinationSync>(`${destinationPath(destinationId)}/sync`),
  files: (destinationId: string, cursor: string | null) =>
    apiClient.get<Page<AudienceFileRow>>(withPage(`${destinationPath(destinationId)}/files`, { cursor })),
  fileUrl: (destinationId: string, fileId: string) =>
    `${destinationPath(destinationId)}/files/${encodeURIComponent(fileId)}`,
  testMapping: (input: { mapping: string; sample?: Record<string, unknown> }) =>
    apiClient.post<MappingTestResult>('/api/v1/destinations/mapping-test', input),
};

/** What subscriptions pick from: the workspace's audiences and computed traits (first page each). */
export const pickerApi = {
  audiences: () => apiClient.get<Page<Audience>>(withPage('/api/v1/audiences', { limit: 1000 })),
  computedTraits: () =>
    apiClient.get<Page<ComputedTrait>>(withPage('/api/v1/computed-traits', { limit: 1000 })),
  /**
   * The workspace's consent purposes, or `null` when this server has no consent API (404): the
   * form then takes purposes as free text.
   */
  purposes: async (): Promise<ConsentPurpose[] | null> => {
    try {
      const answer = await apiClient.get<{ data: unknown[] } | unknown[]>('/api/v1/consent/purposes');
      return purposeList(answer);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
  /**
   * Track events seen in the workspace with their property names, for the event and property
   * pickers; empty when this server has no catalog (404): the fields are then typed.
   */
  eventCatalog: async (): Promise<CatalogEventNames[]> => {
    try {
      return eventCatalogList(await apiClient.get<unknown>('/api/v1/catalog/events'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return [];
      throw error;
    }
  },
};

/** Reads `{data: [...]}` or a bare list of purposes, named by `key` or `name`. */
export function purposeList(answer: unknown): ConsentPurpose[] {
  const items = Array.isArray(answer)
    ? answer
    : isRecord(answer) && Array.isArray(answer.data)
      ? answer.data
      : [];
  const purposes: ConsentPurpose[] = [];
  for (const item of items) {
    if (typeof item === 'string') purposes.push({ key: item });
    else if (isRecord(item)) {
      const key = typeof item.key === 'string' ? item.key : typeof item.name === 'string' ? item.name : null;
      if (key === null) continue;
      purposes.push({
        key,
        ...(typeof item.label === 'string' ? { label: item.label } : {}),
        ...(typeof item.description === 'string' ? { description: item.description } : {}),
      });
    }
  }
  return purposes;
}

/** Reads the catalog's `{data: [{name, properties: [{name}]}]}`, skipping what it does not know. */
export function eventCatalogList(answer: unknown): CatalogEventNames[] {
  const items = isRecord(answer) && Array.isArray(answer.data) ? answer.data : [];
  const events: CatalogEventNames[] = [];
  for (const item of items) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    const properties = Array.isArray(item.properties)
      ? item.properties.flatMap((property) =>
          isRecord(property) && typeof property.name === 'string' ? [property.name] : [],
        )
      : [];
    events.push({ name: item.name, properties });
  }
  return events.sort((a, b) => a.name.localeCompare(b.name));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keyed by workspace so one workspace's destinations never show under another's name. */
export const destinationsQueryKey = (workspaceId: string) => ['destinations', workspaceId] as const;
export const destinationQueryKey = (workspaceId: string, destinationId: string) =>
  [...destinationsQueryKey(workspaceId), destinationId] as const;
export const deliveriesQueryKey = (workspaceId: string, destinationId: string) =>
  [...destinationQueryKey(workspaceId, destinationId), 'deliveries'] as const;
export const pickerQueryKey = (
  workspaceId: string,
  what: 'audiences' | 'computed-traits' | 'purposes' | 'events',
) => ['destination-pickers', workspaceId, what] as const;
