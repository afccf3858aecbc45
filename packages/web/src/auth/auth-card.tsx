import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

type AuthCardProps = { title: string; description?: ReactNode; children: ReactNode };

/** The frame of the pages used signed out: sign-in, password reset, invitation links. */
export function AuthCard({ title, description, children }: AuthCardProps) {
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack gap="md" w={420} maw="100%">
        <Text fw={700} size="xl" ta="center">
          Tandem
        </Text>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <div>
              <Title order={2} size="h3">
                {title}
              </Title>
              {description && (
                <Text c="dimmed" size="sm" mt={4}>
                  {description}
                </Text>
              )}
            </div>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
