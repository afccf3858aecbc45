import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A query built and compiled by Kysely once per database, then run with new parameters: for the
 * reads behind every request (credentials), where building and compiling (~50 µs) cost more
 * than running the query. `build` receives placeholders to use as its parameter values, each
 * once (other parameters, such as a limit, stay as compiled); the compiled text is reused as is
 * (on SQLite the driver caches its prepared statement).
 */
export function reusableQuery<Params extends readonly unknown[], Row>(
  build: (db: Kysely<Database>, ...placeholders: { [K in keyof Params]: string }) => Compilable<Row>,
): (db: Kysely<Database>, ...params: Params) => Promise<Row[]> {
  const compiled = new WeakMap<Kysely<Database>, { sql: string; values: (params: Params) => unknown[] }>();
  return async (db, ...params) => {
    let query = compiled.get(db);
    if (!query) {
      const placeholders = params.map((_, index) => `\u0000reusable-parameter-${index}\u0000`);
      // The placeholders are strings standing for the parameters, in order: their tuple type.
      const built = build(db, ...(placeholders as { [K in keyof Params]: string })).compile();
      const slots = built.parameters.map((value) => placeholders.indexOf(String(value)));
      const used = slots.filter((slot) => slot >= 0).sort((a, b) => a - b);
      if (used.length !== params.length || used.some((slot, i) => slot !== i)) {
        throw new Error('a reusable query must use each placeholder exactly once, as a parameter');
      }
      query = {
        sql: built.sql,
        values: (given) => slots.map((slot, i) => (slot >= 0 ? given[slot] : built.parameters[i])),
      };
      compiled.set(db, query);
    }
    return (await db.executeQuery<Row>(CompiledQuery.raw(query.sql, query.values(params)))).rows;
  };
}
