import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('a secret box’s keyed hash', () => {
  it('is the same for the same text and key, and differs by key, context and text', () => {
    const key = randomBytes(32);
    const box = new SecretBox(key);
    const hash = box.keyedHash('ws_1\u0000prof_a', 'person-key');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new SecretBox(key).keyedHash('ws_1\u0000prof_a', 'person-key')).toBe(hash);
    expect(new SecretBox(randomBytes(32)).keyedHash('ws_1\u0000prof_a', 'person-key')).not.toBe(hash);
    expect(box.keyedHash('ws_1\u0000prof_a', 'other')).not.toBe(hash);
    expect(box.keyedHash('ws_1\u0000prof_b', 'person-key')).not.toBe(hash);
  });

  it('hashes without a secret key under a key of its own, stable for the box’s life', () => {
    const box = new SecretBox(undefined);
    const hash = box.keyedHash('prof_a', 'person-key');
    expect(box.keyedHash('prof_a', 'person-key')).toBe(hash);
    expect(new SecretBox(undefined).keyedHash('prof_a', 'person-key')).not.toBe(hash);
    // Sealing still needs the real key.
    expect(() => box.seal('x', 'c')).toThrow(/TANDEM_SECRET_KEY/);
  });
});
