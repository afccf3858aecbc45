import { useState } from 'react';
import { newPasswordProblem } from './new-password';

/** The state of a new password typed twice; its problem shows only once submitting was tried. */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [tried, setTried] = useState(false);
  const problem = newPasswordProblem(password, confirmation);
  return {
    password,
    /** On submit: whether the password may be sent; if not, its problem shows under its field. */
    validate: () => {
      setTried(true);
      return problem === null;
    },
    reset: () => {
      setPassword('');
      setConfirmation('');
      setTried(false);
    },
    fieldsProps: {
      password,
      confirmation,
      onPasswordChange: setPassword,
      onConfirmationChange: setConfirmation,
      problem: tried ? problem : null,
    },
  };
}
