import { PasswordInput } from '@mantine/core';
import type { NewPasswordProblem } from './new-password';

type NewPasswordFieldsProps = {
  password: string;
  confirmation: string;
  onPasswordChange: (password: string) => void;
  onConfirmationChange: (confirmation: string) => void;
  /** Shown under the field it concerns, once the person tried to submit. */
  problem?: NewPasswordProblem | null;
  labels?: { password: string; confirmation: string };
};

/** A new password typed twice; password managers are told it is a new one, to offer saving it. */
export function NewPasswordFields(props: NewPasswordFieldsProps) {
  const labels = props.labels ?? { password: 'New password', confirmation: 'Repeat the new password' };
  const errorOf = (field: NewPasswordProblem['field']) =>
    props.problem?.field === field ? props.problem.message : undefined;
  return (
    <>
      <PasswordInput
        label={labels.password}
        description="At least 8 characters. A few unrelated words make a strong one."
        autoComplete="new-password"
        required
        value={props.password}
        error={errorOf('password')}
        onChange={(event) => props.onPasswordChange(event.currentTarget.value)}
      />
      <PasswordInput
        label={labels.confirmation}
        autoComplete="new-password"
        required
        value={props.confirmation}
        error={errorOf('confirmation')}
        onChange={(event) => props.onConfirmationChange(event.currentTarget.value)}
      />
    </>
  );
}
