import { describe, expect, it } from 'vitest';
import { profileEmail, profileName } from './profile-name';

describe('profileName', () => {
  it('prefers the name trait, then first and last name, then the email', () => {
    const identities = [{ type: 'email', value: 'ada@example.com' }];
    expect(profileName({ id: 'prof_1', traits: { name: 'Ada Lovelace' }, identities })).toBe('Ada Lovelace');
    expect(profileName({ id: 'prof_1', traits: { first_name: 'Ada', lastName: 'L.' }, identities })).toBe(
      'Ada L.',
    );
    expect(profileName({ id: 'prof_1', traits: {}, identities })).toBe('ada@example.com');
  });

  it('falls back to an identifier, then the profile id', () => {
    expect(profileName({ id: 'prof_1', traits: {}, identities: [{ type: 'user_id', value: 'u1' }] })).toBe(
      'u1',
    );
    expect(profileName({ id: 'prof_1', traits: { name: '  ' }, identities: [] })).toBe('prof_1');
  });
});

describe('profileEmail', () => {
  it('reads the email trait before an email identifier', () => {
    const person = {
      id: 'prof_1',
      traits: { email: 'new@example.com' },
      identities: [{ type: 'email', value: 'old@example.com' }],
    };
    expect(profileEmail(person)).toBe('new@example.com');
    expect(profileEmail({ ...person, traits: {} })).toBe('old@example.com');
  });
});
