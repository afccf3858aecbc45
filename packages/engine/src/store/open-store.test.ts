import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrator.js';
import { openStore } from './open-store.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('a SQLite store on disk', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const freshFolder = () => {
    const folder = mkdtempSync(join(tmpdir(), 'tandem-modes-'));
    folders.push(folder);
    return folder;
  };

  it('creates its data folder 0700 and its database files 0600, whatever the umask', async () => {
    const dataDir = join(freshFolder(), 'data');
    const store = await openStore({ dataDir });
    try {
      await migrate(store);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ['tandem.db', 'tandem.db-wal', 'tandem.db-shm']) {
        expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      }
    } finally {
      await store.close();
    }
  });

  it('tightens a data folder and database files left readable by others', async () => {
    const dataDir = join(freshFolder(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const first = await openStore({ dataDir });
    await first.close();
    for (const file of ['tandem.db', 'tandem.db-wal', 'tandem.db-shm']) {
      const path = join(dataDir, file);
      writeFileSync(path, '', { flag: 'a' });
      chmodSync(path, 0o644);
    }
    const store = await openStore({ dataDir });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ['tandem.db', 'tandem.db-wal', 'tandem.db-shm']) {
        expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      }
    } finally {
      await store.close();
    }
  });
});
