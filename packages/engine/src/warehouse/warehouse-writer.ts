import type { DeliveryMessage } from '../destinations/index.js';
import type { WarehouseConnection, WarehouseEngine, WarehouseQueries } from './warehouse-connection.js';

// Writes profiles, identities, audience memberships and events into a warehouse schema. Every
// write is an upsert keyed by ids, so applying the same message twice changes nothing. Each trait
// is a typed column of `profiles`, added when first seen; a value that does not fit its column's
// type turns the column into text (the values it held become their text form).

/** The kind of a trait column. Objects and arrays are kept as JSON text. */
export type ColumnKind = 'number' | 'boolean' | 'timestamp' | 'text';

export interface WarehouseIdentity {
  readonly type: string;
  readonly value: string;
}

/** A profile as the initial full sync reads it. */
export interface WarehouseProfile {
  readonly id: string;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly identities: readonly WarehouseIdentity[];
  readonly audiences?: readonly { readonly id: string; readonly name: string }[] | undefined;
}

/** A message the warehouse cannot read (its body is not the contract's): retrying cannot help. */
export class UnreadableMessage extends Error {}

/** The tables Tandem writes in the schema. */
const TABLES = ['profiles', 'identities', 'audience_memberships', 'events'] as const;
/** Columns of `profiles` that are not traits; a trait of the same name gets a `trait_` prefix. */
const PROFILE_COLUMNS = new Set(['profile_id', 'updated_at']);
const MAX_COLUMN_LENGTH = 60;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** The column a trait is written to: snake_case letters, digits and _, at most 60 characters. */
export function traitColumn(trait: string): string | undefined {
  let name = trait
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (!name) return undefined;
  if (/^[0-9]/.test(name) || PROFILE_COLUMNS.has(name)) name = `trait_${name}`;
  return name.slice(0, MAX_COLUMN_LENGTH);
}

/** The column kind a value asks for; undefined for null (no type to learn from). */
export function kindOf(value: unknown): ColumnKind | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'text';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)))
    return 'timestamp';
  return 'text';
}

const SQL_TYPES: Record<WarehouseEngine, Record<ColumnKind, string>> = {
  postgres: { number: 'double precision', boolean: 'boolean', timestamp: 'timestamptz', text: 'text' },
  mysql: { number: 'DOUBLE', boolean: 'BOOLEAN', timestamp: 'DATETIME(3)', text: 'TEXT' },
};

/** The kind of a column from information_schema's data_type. */
function kindOfDataType(dataType: string): ColumnKind {
  const type = dataType.toLowerCase();
  if (type === 'double precision' || type === 'double' || type === 'numeric' || type === 'decimal')
    return 'number';
  if (type === 'boolean' || type === 'tinyint') return 'boolean';
  if (type.startsWith('timestamp') || type === 'datetime') return 'timestamp';
  return 'text';
}

/** A value in the form its column stores. */
function columnValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp') return new Date(String(value));
  if (kind === 'text') return typeof value === 'string' ? value : JSON.stringify(value);
  return value;
}

/** A JSON value as an object, or undefined when it is not one. */
export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

export class WarehouseWriter {
  /** Trait columns of `profiles` and their kinds, once read. */
  private columns: Map<string, ColumnKind> | undefined;
  private prepared: Promise<void> | undefined;
  /** Schema changes run one at a time. */
  private ddlTurn: Promise<unknown> = Promise.resolve();
  private readonly q: (name: string) => string;

  constructor(
    private readonly db: WarehouseConnection,
    private readonly schema: string,
  ) {
    this.q = db.engine === 'postgres' ? (name) => `"${name}"` : (name) => `\`${name}\``;
  }

  private table(name: string): string {
    return `${this.q(this.schema)}.${this.q(name)}`;
  }

  /** Creates the schema and its tables when absent, and reads the trait columns. */
  prepare(): Promise<void> {
    if (!this.prepared) {
      const attempt = this.createTables().then(() => this.readColumns());
      this.prepared = attempt;
      attempt.catch(() => {
        if (this.prepared === attempt) this.prepared = undefined;
      });
    }
    return this.prepared;
  }

  /**
   * Checks, writing no row, that deliveries can be written: the schema and its tables exist
   * (created when absent, as the first delivery would) and this login may insert, update and
   * delete in each, tried by statements that match no row (privileges are checked all the same).
   */
  async checkWritable(): Promise<void> {
    await this.prepare();
    for (const name of TABLES) {
      const table = this.table(name);
      await this.db.query(`INSERT INTO ${table} SELECT * FROM ${table} WHERE 1 = 0`);
      await this.db.query(`UPDATE ${table} SET profile_id = profile_id WHERE 1 = 0`);
      await this.db.query(`DELETE FROM ${table} WHERE 1 = 0`);
    }
  }

  /** After a failed write: the schema is checked and its columns read again on the next one. */
  forgetSchema(): void {
    this.prepared = undefined;
  }

  private async createTables(): Promise<void> {
    const pgsql = this.db.engine === 'postgres';
    const key = pgsql ? 'text' : 'VARCHAR(191)';
    const time = SQL_TYPES[this.db.engine].timestamp;
    const json = pgsql ? 'jsonb' : 'JSON';
    const bool = SQL_TYPES[this.db.engine].boolean;
    const charset = pgsql ? '' : ' DEFAULT CHARSET=utf8mb4';
    await this.db.query(
      pgsql
        ? `CREATE SCHEMA IF NOT EXISTS ${this.q(this.schema)}`
        : `CREATE DATABASE IF NOT EXISTS ${this.q(this.schema)}`,
    );
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.table('profiles')} (profile_id ${key} PRIMARY KEY, updated_at ${time} NOT NULL)${charset}`,
      `CREATE TABLE IF NOT EXISTS ${this.table('identities')} (profile_id ${key} NOT NULL, ${this.q('type')} ${key} NOT NULL, ${this.q('value')} ${key} NOT NULL, PRIMARY KEY (profile_id, ${this.q('type')}, ${this.q('value')}))${charset}`,
      `CREATE TABLE IF NOT EXISTS ${this.table('audience_memberships')} (audience_id ${key} NOT NULL, profile_id ${key} NOT NULL, audience_name ${SQL_TYPES[this.db.engine].text}, member ${bool} NOT NULL, entered_at ${time} NULL, exited_at ${time} NULL, changed_at ${time} NOT NULL, PRIMARY KEY (audience_id, profile_id))${charset}`,
      `CREATE TABLE IF NOT EXISTS ${this.table('events')} (event_id ${key} PRIMARY KEY, ${this.q('type')} ${key} NOT NULL, ${this.q('event')} ${SQL_TYPES[this.db.engine].text} NULL, profile_id ${key} NOT NULL, ${this.q('timestamp')} ${time} NOT NULL, properties ${json} NULL)${charset}`,
    ];
    for (const statement of statements) await this.db.query(statement);
  }

  private async readColumns(): Promise<void> {
    const rows = await this.db.query(
      'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = ? AND table_name = ?',
      [this.schema, 'profiles'],
    );
    const columns = new Map<string, ColumnKind>();
    for (const row of rows) {
      const name = String(row.name ?? row.NAME ?? row.COLUMN_NAME);
      if (!PROFILE_COLUMNS.has(name))
        columns.set(name, kindOfDataType(String(row.type ?? row.TYPE ?? row.DATA_TYPE)));
    }
    this.columns = columns;
  }

  /** The trait columns as last read or changed. */
  async traitColumns(): Promise<ReadonlyMap<string, ColumnKind>> {
    await this.prepare();
    return this.columns ?? new Map();
  }

  /**
   * Adds the columns `traits` need and turns clashing ones into text. Answers each column's value
   * as it will be stored.
   */
  private async columnsFor(traits: Readonly<Record<string, unknown>>): Promise<Map<string, unknown>> {
    await this.prepare();
    const wanted = new Map<string, unknown>();
    for (const [trait, value] of Object.entries(traits)) {
      const column = traitColumn(trait);
      if (column !== undefined && value !== undefined) wanted.set(column, value);
    }
    const changes = () =>
      [...wanted].filter(([column, value]) => {
        const kind = kindOf(value);
        const current = this.columns?.get(column);
        if (kind === undefined) return false;
        return current === undefined || (current !== kind && current !== 'text');
      });
    if (changes().length > 0) {
      const turn = this.ddlTurn.then(async () => {
        for (const [column, value] of changes()) {
          const kind = kindOf(value)!;
          const current = this.columns?.get(column);
          try {
            if (current === undefined) await this.addColumn(column, kind);
            else await this.columnToText(column);
          } catch (error) {
            // Another writer changed it first: read the columns again and carry on.
            await this.readColumns();
            if (!this.columns?.has(column)) throw error;
          }
        }
      });
      this.ddlTurn = turn.catch(() => undefined);
      await turn;
    }
    const values = new Map<string, unknown>();
    for (const [column, value] of wanted) {
      const kind = this.columns?.get(column);
      // A null trait never seen with a value: no column to clear.
      if (kind !== undefined) values.set(column, columnValue(value, kind));
    }
    return values;
  }

  private async addColumn(column: string, kind: ColumnKind): Promise<void> {
    await this.db.query(
      `ALTER TABLE ${this.table('profiles')} ADD COLUMN ${this.q(column)} ${SQL_TYPES[this.db.engine][kind]} NULL`,
    );
    this.columns?.set(column, kind);
  }

  /** A value that does not fit the column's type: the column becomes text. */
  private async columnToText(column: string): Promise<void> {
    const c = this.q(column);
    await this.db.query(
      this.db.engine === 'postgres'
        ? `ALTER TABLE ${this.table('profiles')} ALTER COLUMN ${c} TYPE text USING ${c}::text`
        : `ALTER TABLE ${this.table('profiles')} MODIFY COLUMN ${c} TEXT NULL`,
    );
    this.columns?.set(column, 'text');
  }

  /** Applies one delivery (the contract's webhook body): retried or not, the result is the same. */
  async apply(message: DeliveryMessage): Promise<void> {
    if (message.type === 'delete') return this.erase(message.body);
    const body = message.body as Record<string, unknown>;
    const profile = asRecord(body.profile);
    if (!profile) {
      throw new UnreadableMessage(
        'The warehouse reads the contract’s delivery body (with "profile"): remove the subscription’s mapping',
      );
    }
    const profileId = typeof profile.id === 'string' ? profile.id : message.profileId;
    const traits: Record<string, unknown> = { ...asRecord(profile.traits) };
    if (message.type === 'trait.changed') {
      // Computed-trait changes may not be in the profile's traits: their new values are.
      for (const [name, change] of Object.entries(asRecord(body.changes) ?? {}))
        traits[name] = asRecord(change)?.to ?? null;
      // The delivery domain's shape: `trait: {id, name, value, previous}`.
      const trait = asRecord(body.trait);
      if (typeof trait?.name === 'string') traits[trait.name] = trait.value ?? null;
    }
    const identities = Array.isArray(profile.identities) ? (profile.identities as unknown[]) : [];
    const values = await this.columnsFor(traits);
    await this.db.transaction(async (tx) => {
      await this.upsertProfile(tx, profileId, message.occurredAt, values);
      await this.insertIdentities(tx, profileId, identities);
      if (message.type === 'event') await this.insertEvent(tx, profileId, body.event);
      if (message.type === 'audience.entered' || message.type === 'audience.exited') {
        const audience = asRecord(body.audience);
        if (typeof audience?.id !== 'string') {
          throw new UnreadableMessage(
            'An audience delivery without "audience.id": remove the subscription’s mapping',
          );
        }
        const at = typeof body.occurredAt === 'string' ? body.occurredAt : message.occurredAt;
        await this.upsertMembership(tx, {
          audienceId: audience.id,
          audienceName: typeof audience.name === 'string' ? audience.name : null,
          profileId,
          member: message.type === 'audience.entered',
          at: new Date(at),
        });
      }
    });
  }

  /** A deletion notice: every row of the erased person's profiles leaves the warehouse. */
  private async erase(notice: Readonly<Record<string, unknown>>): Promise<void> {
    const profileIds = Array.isArray(notice.profileIds)
      ? notice.profileIds.filter((id): id is string => typeof id === 'string')
      : [];
    if (profileIds.length === 0) throw new UnreadableMessage('A deletion notice without "profileIds"');
    await this.prepare();
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < profileIds.length; i += 500) {
        const chunk = profileIds.slice(i, i + 500);
        const marks = chunk.map(() => '?').join(', ');
        for (const table of ['events', 'audience_memberships', 'identities', 'profiles'])
          await tx.query(`DELETE FROM ${this.table(table)} WHERE profile_id IN (${marks})`, chunk);
      }
    });
  }

  /**
   * The initial full sync: every profile, its identities and its current memberships (memberships
   * the warehouse holds that the profile no longer has are marked exited). Answers the count.
   */
  async syncProfiles(profiles: AsyncIterable<WarehouseProfile>, batchSize = 200): Promise<number> {
    let count = 0;
    let batch: WarehouseProfile[] = [];
    const flush = async () => {
      const now = new Date();
      const prepared: { profile: WarehouseProfile; values: Map<string, unknown> }[] = [];
      for (const profile of batch) prepared.push({ profile, values: await this.columnsFor(profile.traits) });
      await this.db.transaction(async (tx) => {
        for (const { profile, values } of prepared) {
          await this.upsertProfile(tx, profile.id, now.toISOString(), values);
          await this.insertIdentities(tx, profile.id, profile.identities);
          for (const audience of profile.audiences ?? []) {
            await this.upsertMembership(tx, {
              audienceId: audience.id,
              audienceName: audience.name,
              profileId: profile.id,
              member: true,
              at: now,
              keepEnteredAt: true,
            });
          }
          const ids = (profile.audiences ?? []).map((a) => a.id);
          await tx.query(
            `UPDATE ${this.table('audience_memberships')} SET member = ?, exited_at = ?, changed_at = ? WHERE profile_id = ? AND member = ? AND changed_at <= ?${
              ids.length > 0 ? ` AND audience_id NOT IN (${ids.map(() => '?').join(', ')})` : ''
            }`,
            [false, now, now, profile.id, true, now, ...ids],
          );
        }
      });
      count += batch.length;
      batch = [];
    };
    for await (const profile of profiles) {
      batch.push(profile);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return count;
  }

  private async upsertProfile(
    tx: WarehouseQueries,
    profileId: string,
    updatedAt: string,
    values: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    const columns = ['profile_id', 'updated_at', ...values.keys()];
    const params = [profileId, new Date(updatedAt), ...values.values()];
    const names = columns.map(this.q).join(', ');
    const marks = columns.map(() => '?').join(', ');
    const updated = columns.slice(1);
    const text =
      this.db.engine === 'postgres'
        ? `INSERT INTO ${this.table('profiles')} (${names}) VALUES (${marks}) ON CONFLICT (profile_id) DO UPDATE SET ${updated
            .map((c) => `${this.q(c)} = EXCLUDED.${this.q(c)}`)
            .join(', ')}`
        : `INSERT INTO ${this.table('profiles')} (${names}) VALUES (${marks}) ON DUPLICATE KEY UPDATE ${updated
            .map((c) => `${this.q(c)} = VALUES(${this.q(c)})`)
            .join(', ')}`;
    await tx.query(text, params);
  }

  private async insertIdentities(tx: WarehouseQueries, profileId: string, identities: readonly unknown[]) {
    const rows = identities
      .map(asRecord)
      .filter(
        (i): i is Record<string, unknown> => typeof i?.type === 'string' && typeof i.value === 'string',
      );
    if (rows.length === 0) return;
    const marks = rows.map(() => '(?, ?, ?)').join(', ');
    const params = rows.flatMap((i) => [profileId, i.type, i.value]);
    const columns = `(profile_id, ${this.q('type')}, ${this.q('value')})`;
    await tx.query(
      this.db.engine === 'postgres'
        ? `INSERT INTO ${this.table('identities')} ${columns} VALUES ${marks} ON CONFLICT DO NOTHING`
        : `INSERT INTO ${this.table('identities')} ${columns} VALUES ${marks} ON DUPLICATE KEY UPDATE profile_id = profile_id`,
      params,
    );
  }

  private async insertEvent(tx: WarehouseQueries, profileId: string, stored: unknown): Promise<void> {
    const event = asRecord(stored);
    if (typeof event?.id !== 'string') {
      throw new UnreadableMessage('An event delivery without "event.id": remove the subscription’s mapping');
    }
    const payload = asRecord(event.payload) ?? {};
    const properties =
      asRecord(event.properties) ?? asRecord(payload.properties) ?? asRecord(payload.traits) ?? {};
    const timestamp = typeof event.timestamp === 'string' ? event.timestamp : new Date().toISOString();
    const columns = `(event_id, ${this.q('type')}, ${this.q('event')}, profile_id, ${this.q('timestamp')}, properties)`;
    const params = [
      event.id,
      typeof event.type === 'string' ? event.type : 'track',
      typeof event.event === 'string' ? event.event : null,
      profileId,
      new Date(timestamp),
      JSON.stringify(properties),
    ];
    await tx.query(
      this.db.engine === 'postgres'
        ? `INSERT INTO ${this.table('events')} ${columns} VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`
        : `INSERT INTO ${this.table('events')} ${columns} VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE event_id = event_id`,
      params,
    );
  }

  /**
   * Entered: member, entered_at set, exited_at cleared; exited: not a member, exited_at set. A
   * change older than the row's last one (a replay of an old delivery) changes nothing.
   */
  private async upsertMembership(
    tx: WarehouseQueries,
    m: {
      audienceId: string;
      audienceName: string | null;
      profileId: string;
      member: boolean;
      at: Date;
      /** The full sync knows membership, not when it began. */
      keepEnteredAt?: boolean;
    },
  ): Promise<void> {
    const enteredAt = m.member && !m.keepEnteredAt ? m.at : null;
    const exitedAt = m.member ? null : m.at;
    const params = [m.audienceId, m.profileId, m.audienceName, m.member, enteredAt, exitedAt, m.at];
    const insert = `INSERT INTO ${this.table('audience_memberships')} (audience_id, profile_id, audience_name, member, entered_at, exited_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`;
    // What an update sets, as [column, new value expressed over the inserted row].
    const sets: [string, (incoming: (c: string) => string, current: (c: string) => string) => string][] = [
      ['audience_name', (i) => i('audience_name')],
      ['member', (i) => i('member')],
      [
        'entered_at',
        (i, c) => (m.member ? (m.keepEnteredAt ? c('entered_at') : i('entered_at')) : c('entered_at')),
      ],
      ['exited_at', (i) => (m.member ? 'NULL' : i('exited_at'))],
    ];
    if (this.db.engine === 'postgres') {
      const incoming = (c: string) => `EXCLUDED.${c}`;
      const current = (c: string) => `${this.q('audience_memberships')}.${c}`;
      await tx.query(
        `${insert} ON CONFLICT (audience_id, profile_id) DO UPDATE SET ${[
          ...sets.map(([c, value]) => `${c} = ${value(incoming, current)}`),
          'changed_at = EXCLUDED.changed_at',
        ].join(', ')} WHERE ${current('changed_at')} <= EXCLUDED.changed_at`,
        params,
      );
      return;
    }
    // MySQL evaluates the assignments left to right: changed_at, the guard, moves last.
    const guard = 'VALUES(changed_at) >= changed_at';
    await tx.query(
      `${insert} ON DUPLICATE KEY UPDATE ${[
        ...sets.map(
          ([c, value]) =>
            `${c} = IF(${guard}, ${value(
              (x) => `VALUES(${x})`,
              (x) => x,
            )}, ${c})`,
        ),
        'changed_at = GREATEST(changed_at, VALUES(changed_at))',
      ].join(', ')}`,
      params,
    );
  }
}
