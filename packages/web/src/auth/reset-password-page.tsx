import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { authApi } from './auth-api';
import { AuthCard } from './auth-card';
import { linkToken } from './link-token';
import { NewPasswordFields } from './new-password-fields';
import { useNewPassword } from './use-new-password';
import { SESSION_QUERY_KEY } from './use-session';

/** `/reset-password#token=…`: the page an emailed reset link opens. */
export function ResetPasswordPage() {
  const token = linkToken(useLocation().hash);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const newPassword = useNewPassword();
  const reset = useMutation({
    mutationFn: authApi.confirmPasswordReset,
    onSuccess: async ({ email }) => {
      // The reset ended every session of the account, this browser's included.
      await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      const notice = 'Your password is changed and you were signed out everywhere. Sign in with the new one.';
      navigate('/login', { replace: true, state: { notice, email } });
    },
  });

  if (!token) {
    return (
      <AuthCard title="Choose a new password">
        <Alert color="yellow" role="alert">
          This page opens from the link in a password reset email, and the link here is incomplete. Open the
          link from the email again, or ask for a new one.
        </Alert>
        <NewLinkAnchor />
      </AuthCard>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (newPassword.validate()) reset.mutate({ token, password: newPassword.password });
  };
  const linkGone = reset.error instanceof ApiError && reset.error.code === 'not_found';

  return (
    <AuthCard
      title="Choose a new password"
      description="Choosing it signs you out everywhere, on every device."
    >
      <form onSubmit={submit} aria-label="Choose a new password">
        <Stack>
          {reset.error && (
            <Alert color="red" role="alert">
              {errorMessage(reset.error)}
            </Alert>
          )}
          {linkGone && <NewLinkAnchor />}
          <NewPasswordFields {...newPassword.fieldsProps} />
          <Button type="submit" loading={reset.isPending}>
            Set new password
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}

function NewLinkAnchor() {
  return (
    <Anchor component={Link} to="/forgot-password" size="sm">
      Ask for a new reset link
    </Anchor>
  );
}
