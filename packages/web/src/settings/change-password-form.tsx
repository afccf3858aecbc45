import { Alert, Button, Group, PasswordInput, Stack, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { authApi } from '../auth/auth-api';
import { NewPasswordFields } from '../auth/new-password-fields';
import { useNewPassword } from '../auth/use-new-password';
import { useCurrentSession } from '../auth/use-session';

export function ChangePasswordForm() {
  const session = useCurrentSession();
  const [currentPassword, setCurrentPassword] = useState('');
  const newPassword = useNewPassword();
  const change = useMutation({
    mutationFn: authApi.changePassword,
    onSuccess: () => {
      setCurrentPassword('');
      newPassword.reset();
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    change.reset();
    if (newPassword.validate()) change.mutate({ currentPassword, newPassword: newPassword.password });
  };

  return (
    <form onSubmit={submit} aria-label="Change password">
      <Stack gap="sm" maw={420}>
        <Title order={4}>Password</Title>
        {/* Lets password managers file the new password under the right account. */}
        <input type="email" autoComplete="username" value={session.user.email} readOnly hidden />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.currentTarget.value)}
        />
        <NewPasswordFields {...newPassword.fieldsProps} />
        {change.error && (
          <Alert color="red" role="alert">
            {errorMessage(change.error)}
          </Alert>
        )}
        {change.isSuccess && (
          <Alert
            color="green"
            role="status"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={change.reset}
          >
            Password changed. Every other session of your account was signed out; this one stays signed in.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
