import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { errorMessage } from '../api/error-message';
import { AuthCard } from './auth-card';
import { readSignInState } from './sign-in-state';
import { useSession } from './use-session';
import { useLogin } from './use-session-mutations';

export function LoginPage() {
  const session = useSession();
  const login = useLogin();
  const location = useLocation();
  const state = readSignInState(location.state);
  const [email, setEmail] = useState(state.email ?? '');
  const [password, setPassword] = useState('');

  // Also the success path: the login mutation stores the session, which lands here.
  if (session.data) return <Navigate to={state.from ?? '/'} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ email, password });
  };

  return (
    <AuthCard title="Sign in to Tandem">
      <form onSubmit={submit} aria-label="Sign in">
        <Stack>
          {state.notice && !login.error && (
            <Alert color="green" role="status">
              {state.notice}
            </Alert>
          )}
          {login.error && (
            <Alert color="red" role="alert">
              {errorMessage(login.error)}
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
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Group justify="space-between" align="center">
            <Anchor component={Link} to="/forgot-password" state={{ email }} size="sm">
              Forgot your password?
            </Anchor>
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
