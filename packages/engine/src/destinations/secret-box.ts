import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../errors/index.js';

// Secrets at rest (destinations' credentials, webhook sources' signing secrets): AES-256-GCM under
// TANDEM_SECRET_KEY, bound to their owner (its ids are the additional data, so a sealed value
// copied to another row does not open).

const VERSION = 'v1';

/** Parses a 32-byte key given as 64 hex digits or base64 (base64url accepted). */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('TANDEM_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/** A new random key, in the text form parseSecretKey reads. */
export function newSecretKeyText(): string {
  return randomBytes(32).toString('hex');
}

/** A key, or how to get it on first use (the server reads or generates its key file only then). */
export type SecretKeySource = Buffer | (() => Buffer);

export class SecretBox {
  private key: Buffer | undefined;
  /** The key keyed hashes derive from: the secret key, else one random to this process. */
  private hashKey: Buffer | undefined;

  constructor(private readonly source: SecretKeySource | undefined) {
    this.key = Buffer.isBuffer(source) ? source : undefined;
  }

  seal(plain: string, context: string): string {
    const key = this.requireKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  /**
   * A keyed hash (HMAC-SHA256 under a key derived from the secret key): the same text always
   * hashes the same, and without the key no one can test a guess. Hex.
   */
  keyedHash(text: string, context: string): string {
    // Without a secret key (an engine opened without one), a key of this process: the hash still
    // names no one; it is only not found again after a restart.
    if (!this.key && typeof this.source === 'function') this.key = this.source();
    this.hashKey ??= this.key ?? randomBytes(32);
    const key = Buffer.from(hkdfSync('sha256', this.hashKey, Buffer.alloc(0), `tandem/${context}`, 32));
    return createHmac('sha256', key).update(text).digest('hex');
  }

  open(sealed: string, context: string): string {
    const key = this.requireKey();
    const [version, data] = sealed.split(':');
    if (version !== VERSION || !data)
      throw new AppError('internal', 'A stored secret is in an unknown format');
    const bytes = Buffer.from(data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError(
        'internal',
        'A stored secret does not open with this TANDEM_SECRET_KEY (was the key changed?)',
      );
    }
  }

  private requireKey(): Buffer {
    if (!this.key && typeof this.source === 'function') this.key = this.source();
    if (!this.key)
      throw new AppError('not_ready', 'Stored secrets need TANDEM_SECRET_KEY (the server sets one up)');
    return this.key;
  }
}
