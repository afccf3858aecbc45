import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@tandem/contract';

export type NewPasswordProblem = { field: 'password' | 'confirmation'; message: string };

/**
 * What is wrong with a new password typed twice, before it is sent: the length limits and a
 * mistyped repetition. How guessable it is, the server judges (and explains).
 */
export function newPasswordProblem(password: string, confirmation: string): NewPasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { field: 'password', message: `Use at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { field: 'password', message: `Use at most ${MAX_PASSWORD_LENGTH} characters.` };
  }
  if (password !== confirmation) {
    return { field: 'confirmation', message: 'The two passwords are not the same.' };
  }
  return null;
}
