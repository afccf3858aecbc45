import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSecretKeyText, parseSecretKey } from '@tandem/engine';

/**
 * The key sealing stored secrets: TANDEM_SECRET_KEY, else `secret.key` in the data dir,
 * generated (0600) on first use. On PostgreSQL too: a single process keeps working with no
 * setting; several processes on one store must be given the same TANDEM_SECRET_KEY.
 */
export function resolveSecretKey(config: { secretKey?: string | undefined; dataDir: string }): Buffer {
  if (config.secretKey) return parseSecretKey(config.secretKey);
  const file = join(config.dataDir, 'secret.key');
  try {
    return parseSecretKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const text = newSecretKeyText();
  try {
    // wx: two processes starting at once must not each write a different key.
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseSecretKey(readFileSync(file, 'utf8'));
  }
  return parseSecretKey(text);
}
