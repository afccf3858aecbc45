import { afterEach, describe, expect, it } from 'vitest';
import { PasswordStrength } from './password-strength.js';

const strengths: PasswordStrength[] = [];
afterEach(async () => {
  for (const strength of strengths.splice(0)) await strength.close();
});

describe('password strength', () => {
  it('refuses a guessable password naming the field, and accepts a strong one', async () => {
    const strength = new PasswordStrength();
    strengths.push(strength);
    await expect(strength.assertStrong('password123', 'password')).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'password' }],
    });
    await expect(
      strength.assertStrong('violet kettle marches 42 north', 'password'),
    ).resolves.toBeUndefined();
  });

  it('lets its thread go when idle and starts it again for the next check', async () => {
    const strength = new PasswordStrength(50);
    strengths.push(strength);
    await strength.assertStrong('violet kettle marches 42 north', 'password');
    expect(strength.running).toBe(true);
    await expect.poll(() => strength.running, { timeout: 5000 }).toBe(false);
    await expect(strength.assertStrong('qwerty', 'newPassword')).rejects.toMatchObject({
      details: [{ path: 'newPassword' }],
    });
    expect(strength.running).toBe(true);
  });
});
