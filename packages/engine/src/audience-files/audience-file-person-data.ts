import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { type PersonDataHolder, type PersonRef, personChunks } from '../person-data/index.js';
import { nowIso, type Store, writeTransaction } from '../store/index.js';
import {
  type AudienceFilesService,
  addToRowCount,
  type FileRow,
  replaceFile,
  rewriteOnDisk,
} from './audience-files-service.js';
import { contactFieldsOf, googleRow } from './customer-match.js';
import { type AudienceFileFormat, headerOf } from './file-formats.js';

// audience-files/' share of a person: their lines in the files of audience-file destinations.
// Lines kept in the store are found by profile id; a full export written to a directory keeps its
// lines on disk only, so its lines are read and matched by what they hold of the person (the
// profile id, or for Google Customer Match the hashed email / phone). Files that held the person
// are written anew without them.

/** A person's traits per profile, for the hashed contact fields of customer-match files. */
export type PersonTraitsOf = (
  workspaceId: string,
  profileIds: readonly string[],
) => Promise<Record<string, unknown>[]>;

export function audienceFilePersonData(
  store: Store,
  files: AudienceFilesService,
  traitsOf: PersonTraitsOf,
): PersonDataHolder {
  /** Whether a line of a file names the person. */
  const lineMatcher = async (person: PersonRef) => {
    const markers = new Set(person.profileIds);
    const identities = person.identifiers.map((i) => ({ type: i.type, value: i.value }));
    for (const traits of [...(await traitsOf(person.workspaceId, person.profileIds)), {}]) {
      const [email, phone] = googleRow(contactFieldsOf({ traits, identities })) ?? [];
      for (const hash of [email, phone]) if (hash) markers.add(hash);
    }
    return (format: AudienceFileFormat, line: string): boolean => {
      try {
        if (format === 'ndjson') {
          const parsed = JSON.parse(line) as { profileId?: unknown };
          return typeof parsed.profileId === 'string' && markers.has(parsed.profileId);
        }
        const [fields = []] = parse(line, { relax_column_count: true }) as string[][];
        return fields.some((field) => markers.has(field));
      } catch {
        // A line Tandem did not write (the file edited by hand): matched by its text instead.
        return [...markers].some((marker) => line.includes(marker));
      }
    };
  };

  /** Full exports on disk: their lines are nowhere else. */
  const filesOnDisk = (workspaceId: string) =>
    store.db
      .selectFrom('audience_files')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'full')
      .where('path', 'is not', null)
      .execute();

  /** The lines of a file on disk (header left out), or none when the file is gone. */
  const linesOnDisk = async (file: FileRow): Promise<string[]> => {
    const text = await readFile(file.path as string, 'utf8').catch(() => '');
    const lines = text.split('\n').filter((line) => line !== '');
    return headerOf(file.format as AudienceFileFormat) === undefined ? lines : lines.slice(1);
  };

  return {
    domain: 'audience_files',

    async exportPerson(person) {
      const lines: { destinationId: string; audience: string; file: string; kind: string; line: string }[] =
        [];
      const lineOfFile = (file: FileRow, line: string) => ({
        destinationId: file.destination_id,
        audience: file.audience_name,
        file: file.file_id,
        kind: file.kind,
        line,
      });
      for (const profileIds of personChunks(person.profileIds)) {
        const rows = await store.db
          .selectFrom('audience_file_rows as r')
          .innerJoin('audience_files as f', (join) =>
            join.onRef('f.workspace_id', '=', 'r.workspace_id').onRef('f.file_id', '=', 'r.file_id'),
          )
          .selectAll('f')
          .select('r.line')
          .where('r.workspace_id', '=', person.workspaceId)
          .where('r.profile_id', 'in', profileIds)
          .execute();
        for (const row of rows) lines.push(lineOfFile(row, row.line));
      }
      const matches = await lineMatcher(person);
      for (const file of await filesOnDisk(person.workspaceId)) {
        for (const line of await linesOnDisk(file))
          if (matches(file.format as AudienceFileFormat, line)) lines.push(lineOfFile(file, line));
      }
      return { lines };
    },

    async erasePerson(person) {
      const matches = await lineMatcher(person);
      return files.inDirectoryTurn(async () => {
        let storedLines = 0;
        let diskLines = 0;
        const touched = new Map<string, FileRow>();
        for (const profileIds of personChunks(person.profileIds)) {
          await writeTransaction(store, async (trx) => {
            const held = await trx
              .selectFrom('audience_file_rows as r')
              .innerJoin('audience_files as f', (join) =>
                join.onRef('f.workspace_id', '=', 'r.workspace_id').onRef('f.file_id', '=', 'r.file_id'),
              )
              .selectAll('f')
              .where('r.workspace_id', '=', person.workspaceId)
              .where('r.profile_id', 'in', profileIds)
              .execute();
            if (held.length === 0) return;
            await trx
              .deleteFrom('audience_file_rows')
              .where('workspace_id', '=', person.workspaceId)
              .where('profile_id', 'in', profileIds)
              .execute();
            const removedPerFile = new Map<string, number>();
            for (const file of held) {
              removedPerFile.set(file.file_id, (removedPerFile.get(file.file_id) ?? 0) + 1);
              touched.set(file.file_id, file);
            }
            for (const [fileId, removed] of removedPerFile)
              await addToRowCount(trx, {
                workspaceId: person.workspaceId,
                fileId,
                delta: -removed,
                now: nowIso(),
              });
            storedLines += held.length;
          });
        }
        // Incremental files on disk mirror their stored lines: written anew from what is left.
        for (const file of touched.values()) await rewriteOnDisk(store.db, file);
        for (const file of await filesOnDisk(person.workspaceId)) {
          const lines = await linesOnDisk(file);
          const kept = lines.filter((line) => !matches(file.format as AudienceFileFormat, line));
          if (kept.length === lines.length) continue;
          const header = headerOf(file.format as AudienceFileFormat);
          await replaceFile(file.path as string, header === undefined ? kept : [header, ...kept]);
          await addToRowCount(store.db, {
            workspaceId: person.workspaceId,
            fileId: file.file_id,
            delta: kept.length - lines.length,
            now: nowIso(),
          });
          diskLines += lines.length - kept.length;
        }
        return { audience_file_rows: storedLines, audience_file_lines_on_disk: diskLines };
      });
    },
  };
}
