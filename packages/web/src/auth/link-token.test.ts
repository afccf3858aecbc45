import { describe, expect, it } from 'vitest';
import { linkToken } from './link-token';

describe('linkToken', () => {
  it('reads the token from the fragment, decoded', () => {
    expect(linkToken('#token=abc_123')).toBe('abc_123');
    expect(linkToken('#token=a%2Bb%2Fc')).toBe('a+b/c');
    expect(linkToken('token=abc')).toBe('abc');
  });

  it('is null without a token', () => {
    expect(linkToken('')).toBeNull();
    expect(linkToken('#')).toBeNull();
    expect(linkToken('#token=')).toBeNull();
    expect(linkToken('#other=1')).toBeNull();
  });
});
