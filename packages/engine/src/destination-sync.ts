import type { DestinationConfig, DestinationSync, Subscription } from '@tandem/contract';
import type { AudienceFilesService, FileProfile } from './audience-files/index.js';
import type { AudiencesService } from './audiences/index.js';
import type { ConsentChecker, DestinationsService } from './destinations/index.js';
import { AppError } from './errors/index.js';
import type { ProfilesService } from './profiles/index.js';
import type { Store } from './store/index.js';
import {
  maskWarehouseProfile,
  syncWarehouse,
  type WarehouseMaskOf,
  type WarehouseProfile,
} from './warehouse/index.js';

// The full sync of a destination that holds state, fed from the profiles and audiences domains:
// a warehouse gets every profile, an audience-file destination a full file per subscribed
// audience. Only profiles that granted the destination's purposes are written, as for deliveries.

/** Profiles read per page, and fetched at once within a page. */
const PAGE = 500;
const READS_AT_ONCE = 8;

export interface DestinationSyncDeps {
  readonly store: Store;
  readonly destinations: DestinationsService;
  readonly profiles: ProfilesService;
  readonly audiences: AudiencesService;
  readonly audienceFiles: AudienceFilesService;
  readonly consent: ConsentChecker;
  readonly allowPrivateNetworks: boolean;
  /** The PII mask of a warehouse: personal fields go out masked unless it may receive them. */
  readonly warehouseMaskOf: WarehouseMaskOf;
}

type Page = { ids: string[]; nextCursor: string | null };

export async function syncDestination(
  deps: DestinationSyncDeps,
  workspaceId: string,
  destinationId: string,
): Promise<DestinationSync> {
  const found = await deps.destinations.forSending(workspaceId, destinationId);
  if (!found) throw new AppError('not_found', `Destination ${destinationId} not found`);
  const { stored, config } = found;
  const profilesOf = (pageOf: (cursor: string | undefined) => Promise<Page>) =>
    fullProfiles(deps, workspaceId, stored.purposes, pageOf);

  if (stored.type === 'warehouse') {
    const everyone = profilesOf(async (cursor) => {
      const page = await deps.profiles.list(workspaceId, { limit: PAGE, cursor });
      return { ids: page.data.map((p) => p.id), nextCursor: page.nextCursor };
    });
    const mask = await deps.warehouseMaskOf(workspaceId, destinationId);
    const profiles = await syncWarehouse(config as DestinationConfig<'warehouse'>, masked(everyone, mask), {
      allowPrivateNetworks: deps.allowPrivateNetworks,
    });
    return { type: 'warehouse', profiles };
  }
  if (stored.type === 'audience-file') {
    const audienceIds = [
      ...new Set(
        stored.subscriptions.flatMap((s: Subscription) => (s.kind === 'audience' ? [s.audienceId] : [])),
      ),
    ];
    const files = [];
    for (const audienceId of audienceIds) {
      const audience = await deps.audiences.get(workspaceId, audienceId);
      const members = profilesOf(async (cursor) => {
        const page = await deps.audiences.members(workspaceId, audienceId, { limit: PAGE, cursor });
        return { ids: page.data.map((m) => m.profileId), nextCursor: page.nextCursor };
      });
      files.push(
        await deps.audienceFiles.exportFull({
          workspaceId,
          destinationId,
          config: config as DestinationConfig<'audience-file'>,
          audience: { id: audience.id, name: audience.name },
          members,
        }),
      );
    }
    return { type: 'audience-file', files };
  }
  throw new AppError(
    'unprocessable',
    `A ${stored.type} destination has no full sync: only warehouse and audience-file destinations hold state`,
  );
}

/** The profiles of each page of ids that granted `purposes`, with traits (computed ones too), identities and audiences. */
async function* fullProfiles(
  deps: DestinationSyncDeps,
  workspaceId: string,
  purposes: readonly string[],
  pageOf: (cursor: string | undefined) => Promise<Page>,
): AsyncGenerator<WarehouseProfile & FileProfile> {
  let cursor: string | undefined;
  do {
    const page = await pageOf(cursor);
    const allowed = await deps.consent(deps.store.db, workspaceId, page.ids, purposes);
    const ids = page.ids.filter((id) => allowed.has(id));
    for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
      const read = await Promise.all(
        ids.slice(i, i + READS_AT_ONCE).map((id) =>
          // A profile merged away since the page was read: its survivor comes on its own.
          deps.profiles.get(workspaceId, id).catch(() => undefined),
        ),
      );
      for (const profile of read) {
        if (!profile || profile.id !== ids[i + read.indexOf(profile)]) continue;
        yield {
          id: profile.id,
          traits: { ...profile.traits, ...profile.computedTraits },
          identities: profile.identities,
          audiences: profile.audiences.map((a) => ({ id: a.id, name: a.name })),
        };
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

async function* masked(
  profiles: AsyncIterable<WarehouseProfile>,
  mask: Awaited<ReturnType<WarehouseMaskOf>>,
): AsyncGenerator<WarehouseProfile> {
  for await (const profile of profiles) yield mask ? maskWarehouseProfile(profile, mask) : profile;
}
