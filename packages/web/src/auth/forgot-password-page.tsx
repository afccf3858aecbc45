import { Alert, Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { errorMessage } from '../api/error-message';
import { authApi } from './auth-api';
import { AuthCard } from './auth-card';
import { readSignInState } from './sign-in-state';

/** `/forgot-password`: asks for a reset link by email. The answer never tells whether the account exists. */
export function ForgotPasswordPage() {
  const location = useLocation();
  const [email, setEmail] = useState(readSignInState(location.state).email ?? '');
  const request = useMutation({ mutationFn: authApi.requestPasswordReset });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate(email.trim());
  };

  const backToSignIn = (
    <Anchor component={Link} to="/login" state={{ email: email.trim() }} size="sm">
      Back to sign in
    </Anchor>
  );

  if (request.data) {
    return (
      <AuthCard title="Check your email">
        <Alert color="green" role="status">
          {request.data.message}
        </Alert>
        <Stack gap={4}>
          <Anchor component="button" type="button" size="sm" ta="left" onClick={() => request.reset()}>
            Use another email
          </Anchor>
          {backToSignIn}
        </Stack>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email you sign in with. We will send you a link to choose a new password."
    >
      <form onSubmit={submit} aria-label="Reset your password">
        <Stack>
          {request.error && (
            <Alert color="red" role="alert">
              {errorMessage(request.error)}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <Group justify="space-between" align="center">
            {backToSignIn}
            <Button type="submit" loading={request.isPending}>
              Send reset link
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
