import type { Suppression, SuppressionReason } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { AppError } from '../errors/index.js';
import { type Database, type StoreKind, textContains } from '../store/index.js';

type Row = Database['email_suppressions'];

/** Addresses are compared lower-case and trimmed (how the sender hands them to the policy). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Whether an address gets no email at all. */
export async function isSuppressed(
  db: Kysely<Database>,
  workspaceId: string,
  address: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('email_suppressions')
    .select('address')
    .where('workspace_id', '=', workspaceId)
    .where('address', '=', normalizeAddress(address))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Suppresses an address (in the caller's transaction). An address already suppressed keeps its
 * first reason, unless a complaint or hard bounce replaces a manual entry's.
 */
export async function suppress(
  db: Kysely<Database>,
  entry: {
    readonly workspaceId: string;
    readonly address: string;
    readonly reason: SuppressionReason;
    readonly note?: string | undefined;
    readonly profileId: string | null;
    readonly at: string;
  },
): Promise<Suppression> {
  const row: Row = {
    workspace_id: entry.workspaceId,
    address: normalizeAddress(entry.address),
    reason: entry.reason,
    note: entry.note ?? '',
    profile_id: entry.profileId,
    created_at: entry.at,
  };
  await db
    .insertInto('email_suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'address']).doNothing())
    .execute();
  const stored = await db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('workspace_id', '=', entry.workspaceId)
    .where('address', '=', row.address)
    .executeTakeFirstOrThrow();
  return suppressionOf(stored);
}

export async function unsuppress(db: Kysely<Database>, workspaceId: string, address: string): Promise<void> {
  const deleted = await db
    .deleteFrom('email_suppressions')
    .where('workspace_id', '=', workspaceId)
    .where('address', '=', normalizeAddress(address))
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0)
    throw new AppError('not_found', `address: ${address} is not suppressed`);
}

/** A page of suppressed addresses in address order, optionally those containing `q`. */
export async function listSuppressions(
  db: Kysely<Database>,
  kind: StoreKind,
  workspaceId: string,
  query: { readonly q?: string | undefined; readonly limit: number; readonly cursor?: string | undefined },
): Promise<{ data: Suppression[]; nextCursor: string | null }> {
  let select = db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('address')
    .limit(query.limit + 1);
  if (query.cursor) select = select.where('address', '>', query.cursor);
  const q = query.q?.trim().toLowerCase();
  if (q) select = select.where(textContains(kind, sql<string>`address`, q));
  const rows = await select.execute();
  const data = rows.slice(0, query.limit).map(suppressionOf);
  return { data, nextCursor: rows.length > query.limit ? (data.at(-1)?.address ?? null) : null };
}

/** The suppressions of a person's addresses or recorded against their profiles. */
export async function suppressionsOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  addresses: readonly string[],
): Promise<Suppression[]> {
  const normalized = addresses.map(normalizeAddress);
  if (profileIds.length === 0 && normalized.length === 0) return [];
  const rows = await db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(profileIds.length > 0 ? [eb('profile_id', 'in', [...profileIds])] : []),
        ...(normalized.length > 0 ? [eb('address', 'in', normalized)] : []),
      ]),
    )
    .orderBy('address')
    .execute();
  return rows.map(suppressionOf);
}

function suppressionOf(row: Row): Suppression {
  return {
    address: row.address,
    reason: row.reason as SuppressionReason, // written from the contract's enum
    note: row.note,
    profileId: row.profile_id,
    createdAt: row.created_at,
  };
}
