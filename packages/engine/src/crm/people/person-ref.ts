import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { Database } from '../../store/index.js';

/** The live profile a CRM write names (`field` says which input named it): 422 when unknown. */
export async function livePersonOf(
  db: Kysely<Database>,
  identity: IdentityService,
  input: { workspaceId: string; profileId: string; field: string },
): Promise<string> {
  const liveId = await identity.resolveProfileId(input.workspaceId, input.profileId, db);
  if (liveId === undefined) {
    const message = `There is no person ${input.profileId}.`;
    throw new AppError('unprocessable', `${input.field}: ${message}`, {
      details: [{ path: input.field, message }],
    });
  }
  return liveId;
}

/** Checks an id's type prefix (records of other CRM parts are checked by their own domain). */
export function checkIdPrefix(field: string, id: string | null | undefined, prefix: string): void {
  if (id === null || id === undefined || id.startsWith(prefix)) return;
  const message = `${id} is not an id of the right kind (${prefix}…).`;
  throw new AppError('unprocessable', `${field}: ${message}`, { details: [{ path: field, message }] });
}
