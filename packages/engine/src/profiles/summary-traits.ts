import { MAX_SUMMARY_TEXT, MAX_SUMMARY_TRAITS, SUMMARY_FIRST_TRAITS } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

// Enough JSON text for MAX_SUMMARY_TEXT characters even if each is a `\uXXXX` escape.
const HEAD_CHARS = MAX_SUMMARY_TEXT * 6 + 2;

interface SummaryTraitRow {
  profile_id: string;
  name: string;
  head: string;
  size: number | string;
}

/**
 * The traits lists show of each profile: the first-shown names it has, then the others by
 * name, MAX_SUMMARY_TRAITS in all; texts cut at MAX_SUMMARY_TEXT characters, objects and
 * arrays longer than a text's cut left out. Reads at most that many rows of each profile,
 * however many traits it holds.
 */
export async function summaryTraits(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const byProfile = new Map<string, Record<string, unknown>>();
  if (profileIds.length === 0) return byProfile;
  const rows = await traitRowsOf(db, workspaceId, profileIds);
  const rowsOf = new Map<string, SummaryTraitRow[]>();
  for (const row of rows) {
    const ofProfile = rowsOf.get(row.profile_id);
    if (ofProfile) ofProfile.push(row);
    else rowsOf.set(row.profile_id, [row]);
  }
  for (const [profileId, ofProfile] of rowsOf) {
    const unique = new Map(ofProfile.map((row) => [row.name, row]));
    const ranked = [...unique.values()]
      .sort((a, b) => rankOf(a.name) - rankOf(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, MAX_SUMMARY_TRAITS);
    const traits: Record<string, unknown> = {};
    for (const row of ranked) {
      const value = summaryValue(row.head, Number(row.size));
      // defineProperty: a trait named "__proto__" must stay a plain member.
      if (value !== undefined)
        Object.defineProperty(traits, row.name, {
          value: value.of,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    byProfile.set(profileId, traits);
  }
  return byProfile;
}

// set_at is not in profile_traits_by_name: without it, SQLite (no statistics) prefers that
// covering index, walking every trait of the workspace, to the primary key of one profile.
const COLUMNS = sql`t.profile_id, t.name, substr(t.value, 1, ${HEAD_CHARS}) as head, length(t.value) as size, t.set_at`;

/**
 * The summary rows of these profiles. Most profiles hold a few traits: one read in key order,
 * stopped after MAX_SUMMARY_TRAITS rows a profile on average, finishes them all. When it stops
 * early, the profiles it may not have finished are read again with a bound of their own (their
 * first-shown names, then the first ones by name).
 */
async function traitRowsOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<SummaryTraitRow[]> {
  const budget = profileIds.length * MAX_SUMMARY_TRAITS;
  const { rows } = await sql<SummaryTraitRow>`select ${COLUMNS} from profile_traits t
    where t.workspace_id = ${workspaceId} and t.profile_id in (${sql.join([...profileIds])})
    order by t.profile_id, t.name limit ${budget}`.execute(db);
  if (rows.length < budget) return rows;
  // Rows come profile by profile: the last one read may be partial, unseen ones unread.
  const seen = new Set(rows.map((row) => row.profile_id));
  const partial = rows.at(-1)?.profile_id;
  const again = profileIds.filter((id) => id === partial || !seen.has(id));
  const done = rows.filter((row) => !again.includes(row.profile_id));
  return [...done, ...(await boundedRowsOf(db, workspaceId, again))];
}

/** One primary-key range per profile, each with its limit, plus its first-shown names. */
async function boundedRowsOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<SummaryTraitRow[]> {
  const first = sql<SummaryTraitRow>`select ${COLUMNS} from profile_traits t
    where t.workspace_id = ${workspaceId} and t.profile_id in (${sql.join([...profileIds])})
      and t.name in (${sql.join(SUMMARY_FIRST_TRAITS)})`;
  // By name in the primary key's order (byte order on SQLite and on a C-collated PostgreSQL).
  const byName = profileIds.map(
    (profileId, i) => sql`select * from (select ${COLUMNS} from profile_traits t
      where t.workspace_id = ${workspaceId} and t.profile_id = ${profileId}
      order by t.name limit ${MAX_SUMMARY_TRAITS}) as ${sql.raw(`by_name_${i}`)}`,
  );
  const { rows } =
    await sql<SummaryTraitRow>`${first} union all ${sql.join(byName, sql` union all `)}`.execute(db);
  return rows;
}

function rankOf(name: string): number {
  const at = SUMMARY_FIRST_TRAITS.indexOf(name);
  return at < 0 ? SUMMARY_FIRST_TRAITS.length : at;
}

/** A trait's value as summaries show it, from the head of its JSON text and its length. */
function summaryValue(head: string, size: number): { of: unknown } | undefined {
  if (size <= HEAD_CHARS) {
    const value: unknown = JSON.parse(head);
    return { of: typeof value === 'string' ? cut(value) : value };
  }
  return head.startsWith('"') ? { of: cut(textOfHead(head)) } : undefined;
}

function cut(text: string): string {
  return text.length <= MAX_SUMMARY_TEXT ? text : `${text.slice(0, MAX_SUMMARY_TEXT)}…`;
}

/** The text a JSON string's head starts with (the head may end inside an escape). */
function textOfHead(head: string): string {
  for (let drop = 0; drop <= 6; drop++) {
    try {
      const text: unknown = JSON.parse(`${head.slice(0, head.length - drop)}"`);
      if (typeof text === 'string') return text;
    } catch {
      // Cut inside an escape sequence: try a shorter head.
    }
  }
  return '';
}
