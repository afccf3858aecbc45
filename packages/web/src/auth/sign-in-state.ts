/**
 * What other pages hand the sign-in page in the router's state: where to return afterwards, a
 * notice to show (a password just reset, an invitation accepted) and the email to prefill.
 */
export type SignInState = { from?: string; notice?: string; email?: string };

/** Reads the state defensively: it survives reloads in history, from any version of the app. */
export function readSignInState(state: unknown): SignInState {
  if (typeof state !== 'object' || state === null) return {};
  const read = (name: keyof SignInState) => {
    const value: unknown = name in state ? Reflect.get(state, name) : undefined;
    return typeof value === 'string' && value !== '' ? { [name]: value } : {};
  };
  return { ...read('from'), ...read('notice'), ...read('email') };
}
