import { Alert, Anchor, Button, Center, Loader, Stack, Text, TextInput } from '@mantine/core';
import type { SessionInfo } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { roleLabel } from '../shared/role-label';
import { authApi, type InvitationLink } from './auth-api';
import { AuthCard } from './auth-card';
import { linkToken } from './link-token';
import { NewPasswordFields } from './new-password-fields';
import { useNewPassword } from './use-new-password';
import { SESSION_QUERY_KEY, useSession } from './use-session';

const LINK_QUERY_KEY = 'invitation-link';

/** `/accept-invitation#token=…`: the page an emailed invitation link opens. */
export function AcceptInvitationPage() {
  const token = linkToken(useLocation().hash);
  const invitation = useQuery({
    queryKey: [LINK_QUERY_KEY, token],
    queryFn: () => authApi.invitationOfLink(token ?? ''),
    enabled: token !== null,
    // Reading the link counts against a rate limit; it does not change while the page is open.
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  if (!token) {
    return (
      <AuthCard title="Join a workspace">
        <Alert color="yellow" role="alert">
          This page opens from the link in an invitation email, and the link here is incomplete. Open the link
          from the email again.
        </Alert>
        <SignInAnchor />
      </AuthCard>
    );
  }
  if (invitation.isPending) {
    return (
      <AuthCard title="Join a workspace">
        <Center p="md">
          <Loader aria-label="Loading invitation" />
        </Center>
      </AuthCard>
    );
  }
  if (invitation.error) {
    return (
      <AuthCard title="Join a workspace">
        <Alert color="red" role="alert">
          {errorMessage(invitation.error)}
        </Alert>
        <Text size="sm" c="dimmed">
          Ask the person who invited you to send a new invitation.
        </Text>
        <SignInAnchor />
      </AuthCard>
    );
  }
  return <AcceptInvitationForm token={token} invitation={invitation.data} />;
}

type Accepted = { kind: 'signed-in'; session: SessionInfo } | { kind: 'accepted' };

function AcceptInvitationForm({ token, invitation }: { token: string; invitation: InvitationLink }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const newPassword = useNewPassword();
  const workspace = invitation.workspace;
  const signedInAs = session.data?.user.email ?? null;
  const signedInAsInvitee = signedInAs?.toLowerCase() === invitation.email.toLowerCase();

  const accept = useMutation({
    mutationFn: async (password: string | undefined): Promise<Accepted> => {
      const { email } = await authApi.acceptInvitationLink({ token, ...(password ? { password } : {}) });
      // Whoever just chose a password knows it: sign them in at once, in the workspace they joined.
      if (password !== undefined) await authApi.login({ email, password });
      else if (!signedInAsInvitee) return { kind: 'accepted' };
      return { kind: 'signed-in', session: await authApi.switchWorkspace(workspace.id) };
    },
    onSuccess: (result) => {
      if (result.kind === 'accepted') {
        // Signed in as someone else, the sign-in page would bounce: the page says what to do instead.
        if (signedInAs !== null) return;
        const notice = `Invitation accepted. Sign in to open ${workspace.name}.`;
        navigate('/login', { replace: true, state: { notice, email: invitation.email } });
        return;
      }
      // Nothing another account could see may stay in the cache; this page's own query stays
      // while it is shown (removing it would read the link, used by now, once more).
      queryClient.removeQueries({
        predicate: ({ queryKey }) => queryKey[0] !== LINK_QUERY_KEY && queryKey[0] !== SESSION_QUERY_KEY[0],
      });
      queryClient.setQueryData(SESSION_QUERY_KEY, result.session);
      navigate('/', { replace: true });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!invitation.needsPassword) accept.mutate(undefined);
    else if (newPassword.validate()) accept.mutate(newPassword.password);
  };
  const accepted = accept.isSuccess && accept.data.kind === 'accepted' && signedInAs !== null;

  return (
    <AuthCard
      title={`Join ${workspace.name}`}
      description={
        <>
          You are invited to the workspace <strong>{workspace.name}</strong> on Tandem as{' '}
          <strong>{roleLabel(invitation.role)}</strong>.
        </>
      }
    >
      <form onSubmit={submit} aria-label="Accept invitation">
        <Stack>
          {accept.error && (
            <Alert color="red" role="alert">
              {errorMessage(accept.error)}
            </Alert>
          )}
          {accepted && (
            <Alert color="green" role="status">
              You joined {workspace.name}. You are signed in as {signedInAs}: sign out, then sign in as{' '}
              {invitation.email} to open it.
            </Alert>
          )}
          {signedInAs && !signedInAsInvitee && !accepted && (
            <Alert color="yellow">
              You are signed in as {signedInAs}, but this invitation is for {invitation.email}.
            </Alert>
          )}
          <TextInput
            label="Email"
            value={invitation.email}
            readOnly
            variant="filled"
            autoComplete="username"
          />
          {invitation.needsPassword && (
            <>
              <Text size="sm">Choose a password for your new Tandem account.</Text>
              <NewPasswordFields
                {...newPassword.fieldsProps}
                labels={{ password: 'Password', confirmation: 'Repeat the password' }}
              />
            </>
          )}
          <Button type="submit" loading={accept.isPending} disabled={accepted}>
            Accept and join {workspace.name}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}

function SignInAnchor() {
  return (
    <Anchor component={Link} to="/login" size="sm">
      Go to sign in
    </Anchor>
  );
}
