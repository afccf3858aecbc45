import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryMessage, DestinationTransport } from '../destinations/index.js';
import { migrate, openStore, type Store } from '../store/index.js';
import { ENGINES, isolatedStoreOptions } from '../testing/index.js';
import {
  AudienceFilesService,
  contactFieldsOf,
  e164,
  type FileProfile,
  googleEmail,
  googleRow,
  lineOf,
  metaPhone,
  metaRow,
} from './index.js';

// Expected hashes are computed here, independently, over the normalized literals the platforms'
// documentation describes.
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('customer-match normalization', () => {
  it('follows Google: trimmed, lower case, no dots before @gmail.com / @googlemail.com, E.164 phones', () => {
    expect(googleEmail('  John.Doe@GMAIL.com ')).toBe('johndoe@gmail.com');
    expect(googleEmail('J.Doe@GoogleMail.com')).toBe('jdoe@googlemail.com');
    expect(googleEmail(' Jane.Doe@Example.COM')).toBe('jane.doe@example.com');
    expect(e164('(650) 253-0000', 'US')).toBe('+16502530000');
    expect(e164('+44 20 7031 3000')).toBe('+442070313000');
    expect(e164('not a phone', 'US')).toBeUndefined();
    expect(
      googleRow({
        email: ' John.Doe@GMAIL.com',
        phone: '650-253-0000',
        firstName: ' John ',
        lastName: 'DOE',
        country: 'us',
        zip: '94043',
      }),
    ).toEqual([sha('johndoe@gmail.com'), sha('+16502530000'), sha('john'), sha('doe'), 'US', '94043']);
    // Neither email nor phone: nothing the platform can match.
    expect(googleRow({ firstName: 'John' })).toBeUndefined();
  });

  it('hashes to the well-known SHA-256 hex digests (computed with sha256sum)', () => {
    expect(googleRow({ email: ' Test@Example.com ' })?.[0]).toBe(
      '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
    );
    expect(
      googleRow({ email: 'John.Doe@gmail.com', phone: '(650) 253-0000', country: 'US' })?.slice(0, 2),
    ).toEqual([
      '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3',
      '3ad9f10d73829a714b1383221691d4dbf08484f3ceeae884f53053a1c7bb0a92',
    ]);
  });

  it('follows Meta: digits-only phones with the country code, letters-only names, US zips of 5 digits', () => {
    expect(metaPhone('+1 (650) 253-0000')).toBe('16502530000');
    expect(metaPhone('020 7031 3000', 'GB')).toBe('442070313000');
    expect(
      metaRow('prof_1', {
        email: ' Jane.Doe@Example.com ',
        phone: '(650) 253-0000',
        firstName: "Mary-Jane O'Neil",
        lastName: 'Smith',
        city: 'Menlo Park',
        state: 'CA',
        zip: '94025-1234',
        country: 'US',
      }),
    ).toEqual([
      sha('jane.doe@example.com'),
      sha('16502530000'),
      sha('maryjaneoneil'),
      sha('smith'),
      sha('menlopark'),
      sha('ca'),
      sha('94025'),
      sha('us'),
      'prof_1',
    ]);
  });

  it('reads contact fields from reserved traits, else identities', () => {
    expect(
      contactFieldsOf({
        traits: { firstName: 'Ada', address: { country: 'FR', postalCode: '75001', city: 'Paris' } },
        identities: [
          { type: 'email', value: 'ada@example.com' },
          { type: 'phone', value: '+33142685300' },
        ],
      }),
    ).toMatchObject({
      email: 'ada@example.com',
      phone: '+33142685300',
      firstName: 'Ada',
      country: 'FR',
      zip: '75001',
    });
    // CSV fields with commas and quotes are quoted.
    expect(
      lineOf(
        'csv',
        { id: 'prof_1', traits: { name: 'A "B", C' } },
        { audience: { id: 'a', name: 'a' }, occurredAt: 'x' },
      ),
    ).toBe('prof_1,,,,,,"{""name"":""A \\""B\\"", C""}"');
  });
});

const members: FileProfile[] = [
  { id: 'prof_1', traits: { email: 'Ada.Lovelace@gmail.com', firstName: 'Ada' }, identities: [] },
  { id: 'prof_2', traits: {}, identities: [{ type: 'phone', value: '+16502530000' }] },
  { id: 'prof_3', traits: { plan: 'pro' }, identities: [] },
];
async function* iterate<T>(items: readonly T[]) {
  yield* items;
}

let sequence = 0;
function change(type: 'audience.entered' | 'audience.exited', profile: FileProfile): DeliveryMessage {
  sequence += 1;
  return {
    deliveryId: `dlv_${sequence}`,
    workspaceId: 'ws_1',
    destinationId: 'dst_1',
    profileId: profile.id,
    type,
    occurredAt: '2026-12-03T08:10:00.000Z',
    body: { type, audience: { id: 'aud_1', name: 'VIP' }, profile, occurredAt: '2026-12-03T08:10:00.000Z' },
    attempt: 1,
  };
}

async function text(chunks: AsyncIterable<string | Buffer>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk.toString();
  return all;
}

for (const kind of ENGINES) {
  describe(`audience files (${kind})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let now = Date.parse('2026-12-03T08:15:00.000Z');
    let files: AudienceFilesService;
    let directory: string;
    beforeAll(async () => {
      const isolated = await isolatedStoreOptions(kind);
      dispose = isolated.dispose;
      store = await openStore(isolated.options);
      await migrate(store);
      files = new AudienceFilesService(store, { clock: () => now });
      directory = await mkdtemp(join(tmpdir(), 'tandem-audience-files-'));
    });
    afterAll(async () => {
      await store.close();
      await dispose();
      await rm(directory, { recursive: true, force: true });
    });

    const open = (
      config: {
        format: 'csv' | 'ndjson' | 'google-customer-match' | 'meta-custom-audience';
        directory?: string;
      },
      destinationId = 'dst_1',
    ) =>
      files.transportKind.open({
        workspaceId: 'ws_1',
        destinationId,
        config,
        allowPrivateNetworks: true,
        log: () => undefined,
      });
    const send = (transport: DestinationTransport, messages: DeliveryMessage[]) =>
      transport.send(messages, new AbortController().signal);

    it('exports a full customer-match file kept in the store, leaving out profiles it cannot match', async () => {
      const file = await files.exportFull({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: { format: 'google-customer-match' },
        audience: { id: 'aud_1', name: 'VIP' },
        members: iterate([...members, members[0]!]),
      });
      expect(file).toMatchObject({
        kind: 'full',
        rows: 2,
        path: null,
        audience: { id: 'aud_1', name: 'VIP' },
      });
      expect(file.fileName).toMatch(/^aud_1\/full-.*\.csv$/);
      expect(await text(await files.content('ws_1', 'dst_1', file.id))).toBe(
        [
          'Email,Phone,First Name,Last Name,Country,Zip',
          `${sha('adalovelace@gmail.com')},,${sha('ada')},,,`,
          `,${sha('+16502530000')},,,,`,
          '',
        ].join('\n'),
      );
    });

    it('adds entered profiles to the hour’s additions and exited ones to its removals, once each', async () => {
      const transport = await open({ format: 'csv' });
      const entered = change('audience.entered', members[0]!);
      expect(await send(transport, [entered, change('audience.entered', members[2]!)])).toEqual([
        { ok: true },
        { ok: true },
      ]);
      // A retry adds no second line.
      expect(await send(transport, [{ ...entered, attempt: 2 }])).toEqual([{ ok: true }]);
      expect(await send(transport, [change('audience.exited', members[1]!)])).toEqual([{ ok: true }]);
      const { data } = await files.list('ws_1', 'dst_1', { limit: 50, kind: undefined, audienceId: 'aud_1' });
      const additions = data.find((f) => f.kind === 'additions' && f.format === 'csv');
      const removals = data.find((f) => f.kind === 'removals');
      expect(additions).toMatchObject({ rows: 2, fileName: 'aud_1/additions-2026-12-03T08.csv' });
      expect(removals).toMatchObject({ rows: 1, fileName: 'aud_1/removals-2026-12-03T08.csv' });
      const lines = (await text(await files.content('ws_1', 'dst_1', additions!.id))).trim().split('\n');
      expect(lines[0]).toBe('profile_id,user_id,email,phone,first_name,last_name,traits');
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['prof_1', 'prof_3']);

      // prof_3 leaves within the hour: the hour's net change has it in removals only.
      expect(await send(transport, [change('audience.exited', members[2]!)])).toEqual([{ ok: true }]);
      expect(await files.get('ws_1', 'dst_1', additions!.id)).toMatchObject({ rows: 1 });
      expect(await files.get('ws_1', 'dst_1', removals!.id)).toMatchObject({ rows: 2 });

      // The next hour starts new files.
      now = Date.parse('2026-12-03T09:01:00.000Z');
      expect(await send(transport, [change('audience.entered', members[2]!)])).toEqual([{ ok: true }]);
      const next = await files.list('ws_1', 'dst_1', { limit: 50, kind: 'additions', audienceId: undefined });
      expect(next.data.map((f) => f.fileName)).toEqual([
        'aud_1/additions-2026-12-03T09.csv',
        'aud_1/additions-2026-12-03T08.csv',
      ]);
      // Paging.
      const first = await files.list('ws_1', 'dst_1', { limit: 1, kind: 'additions', audienceId: undefined });
      const second = await files.list('ws_1', 'dst_1', {
        limit: 1,
        kind: 'additions',
        audienceId: undefined,
        cursor: first.nextCursor!,
      });
      expect(second.data.map((f) => f.fileName)).toEqual(['aud_1/additions-2026-12-03T08.csv']);
      await transport.close();
    });

    it('keeps a profile’s last change within one batch, and takes big batches in slices', async () => {
      now = Date.parse('2026-12-03T11:00:00.000Z');
      const transport = await open({ format: 'csv' }, 'dst_batch');
      const many = Array.from({ length: 1_200 }, (_, i) => ({
        id: `prof_m${String(i).padStart(4, '0')}`,
        traits: {},
      }));
      const batch = [
        change('audience.entered', members[0]!),
        ...many.map((p) => change('audience.entered', p)),
        change('audience.exited', members[0]!),
      ];
      const outcomes = await send(transport, batch);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const { data } = await files.list('ws_1', 'dst_batch', {
        limit: 50,
        kind: undefined,
        audienceId: undefined,
      });
      expect(data.map((f) => [f.kind, f.rows]).sort()).toEqual([
        ['additions', 1_200],
        ['removals', 1],
      ]);
      // Sent again (a retried batch): nothing changes.
      await send(transport, batch);
      const again = await files.list('ws_1', 'dst_batch', {
        limit: 50,
        kind: undefined,
        audienceId: undefined,
      });
      expect(again.data.map((f) => [f.kind, f.rows]).sort()).toEqual([
        ['additions', 1_200],
        ['removals', 1],
      ]);
      await transport.close();
    });

    it('takes concurrent sends of the same hour into one file', async () => {
      const transport = await open({ format: 'csv' }, 'dst_concurrent');
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          send(transport, [change('audience.entered', { id: `prof_c${i}`, traits: {} })]),
        ),
      );
      expect(outcomes.flat().every((o) => o.ok)).toBe(true);
      const { data } = await files.list('ws_1', 'dst_concurrent', {
        limit: 50,
        kind: undefined,
        audienceId: undefined,
      });
      expect(data.map((f) => [f.kind, f.rows])).toEqual([['additions', 8]]);
      await transport.close();
    });

    it('refuses, without retry, what is not an audience change', async () => {
      const transport = await open({ format: 'ndjson' });
      const event = { ...change('audience.entered', members[0]!), type: 'event' as const };
      const [outcome] = await send(transport, [event]);
      expect(outcome).toMatchObject({ ok: false, retryable: false });
      await transport.close();
    });

    it('writes files into the directory as they grow', async () => {
      now = Date.parse('2026-12-03T10:05:00.000Z');
      const config = { format: 'ndjson' as const, directory };
      const full = await files.exportFull({
        workspaceId: 'ws_1',
        destinationId: 'dst_2',
        config,
        audience: { id: 'aud_1', name: 'VIP' },
        members: iterate(members),
      });
      expect(full.path).toBe(join(directory, full.fileName));
      const written = (await readFile(full.path!, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(written.map((l) => l.profileId)).toEqual(['prof_1', 'prof_2', 'prof_3']);
      expect(written[0]).toMatchObject({
        audience: { id: 'aud_1', name: 'VIP' },
        traits: members[0]!.traits,
      });
      // The download serves the same bytes.
      expect(await text(await files.content('ws_1', 'dst_2', full.id))).toBe(
        await readFile(full.path!, 'utf8'),
      );

      const transport = await open(config, 'dst_2');
      await send(transport, [
        change('audience.entered', members[0]!),
        change('audience.entered', members[1]!),
      ]);
      await send(transport, [change('audience.entered', members[0]!)]);
      const additions = join(directory, 'aud_1/additions-2026-12-03T10.ndjson');
      expect(
        (await readFile(additions, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).profileId),
      ).toEqual(['prof_1', 'prof_2']);
      // prof_1 leaves: rewritten without it, and in removals.
      await send(transport, [change('audience.exited', members[0]!)]);
      expect(
        (await readFile(additions, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).profileId),
      ).toEqual(['prof_2']);
      const removals = join(directory, 'aud_1/removals-2026-12-03T10.ndjson');
      expect(
        (await readFile(removals, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).profileId),
      ).toEqual(['prof_1']);
      await transport.close();
    });

    it('keeps directories inside the root it was given', async () => {
      const rooted = new AudienceFilesService(store, { clock: () => now, directoryRoot: directory });
      const inside = await rooted.exportFull({
        workspaceId: 'ws_1',
        destinationId: 'dst_rooted',
        config: { format: 'csv', directory: 'exports' },
        audience: { id: 'aud_1', name: 'VIP' },
        members: iterate(members),
      });
      expect(inside.path).toBe(join(directory, 'exports', inside.fileName));
      await expect(
        rooted.exportFull({
          workspaceId: 'ws_1',
          destinationId: 'dst_rooted',
          config: { format: 'csv', directory: '../elsewhere' },
          audience: { id: 'aud_1', name: 'VIP' },
          members: iterate(members),
        }),
      ).rejects.toMatchObject({ code: 'unprocessable' });
      const transport = await rooted.transportKind.open({
        workspaceId: 'ws_1',
        destinationId: 'dst_rooted',
        config: { format: 'csv', directory: '/etc' },
        allowPrivateNetworks: true,
        log: () => undefined,
      });
      const [outcome] = await send(transport, [change('audience.entered', members[0]!)]);
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/outside/) });
    });

    it('checks, for a test, where its files would go, writing nothing', async () => {
      const check = async (service: AudienceFilesService, config: { format: 'csv'; directory?: string }) => {
        const transport = await service.transportKind.open({
          workspaceId: 'ws_1',
          destinationId: 'dst_checked',
          config,
          allowPrivateNetworks: true,
          log: () => undefined,
        });
        try {
          return await transport.check?.(new AbortController().signal);
        } finally {
          await transport.close();
        }
      };
      const folder = await mkdtemp(join(tmpdir(), 'tandem-audience-check-'));
      try {
        // A folder not there yet is fine when the one it would be made in can be written.
        expect(await check(files, { format: 'csv', directory: join(folder, 'new', 'exports') })).toEqual({
          ok: true,
          checked: expect.stringMatching(/can be written in; no file was written/),
        });
        expect(await check(files, { format: 'csv' })).toMatchObject({ ok: true });
        await writeFile(join(folder, 'plain'), '');
        expect(await check(files, { format: 'csv', directory: join(folder, 'plain', 'x') })).toMatchObject({
          ok: false,
          error: `${join(folder, 'plain')} is not a folder`,
        });
        const rooted = new AudienceFilesService(store, { clock: () => now, directoryRoot: folder });
        expect(await check(rooted, { format: 'csv', directory: '/etc' })).toMatchObject({
          ok: false,
          error: expect.stringMatching(/outside/),
        });
        // A full export there fails saying why, as a refusal (the destination's to fix).
        await expect(
          files.exportFull({
            workspaceId: 'ws_1',
            destinationId: 'dst_checked',
            config: { format: 'csv', directory: join(folder, 'plain', 'x') },
            audience: { id: 'aud_1', name: 'VIP' },
            members: iterate(members),
          }),
        ).rejects.toMatchObject({
          code: 'unprocessable',
          message: /^The audience file could not be written to /,
        });
        expect(await readdir(folder)).toEqual(['plain']);
        const written = await store.db
          .selectFrom('audience_files')
          .select('file_id')
          .where('destination_id', '=', 'dst_checked')
          .execute();
        expect(written).toEqual([]);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('writes a Meta list with its header', async () => {
      const file = await files.exportFull({
        workspaceId: 'ws_1',
        destinationId: 'dst_3',
        config: { format: 'meta-custom-audience' },
        audience: { id: 'aud_1', name: 'VIP' },
        members: iterate(members),
      });
      const lines = (await text(await files.content('ws_1', 'dst_3', file.id))).trim().split('\n');
      expect(lines[0]).toBe('EMAIL,PHONE,FN,LN,CT,ST,ZIP,COUNTRY,EXTERN_ID');
      expect(lines[1]).toBe(`${sha('ada.lovelace@gmail.com')},,${sha('ada')},,,,,,prof_1`);
      expect(lines[2]).toBe(`,${sha('16502530000')},,,,,,,prof_2`);
      await expect(files.get('ws_2', 'dst_3', file.id)).rejects.toMatchObject({ code: 'not_found' });
    });
  });
}
