import { NavLink, Stack, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { APP_AREAS, NAV_SECTIONS } from '../app-areas';

/** The areas, grouped by what they are for (customers, sales, support, marketing, data, settings). */
export function AppNav({ onNavigate }: { onNavigate?: () => void }) {
  const { pathname } = useLocation();
  return (
    <nav>
      <Stack gap="xs">
        {NAV_SECTIONS.map((section) => {
          const areas = APP_AREAS.filter((area) => area.section === section);
          if (areas.length === 0) return null;
          return (
            <div key={section}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt={4}>
                {section}
              </Text>
              {areas.map((area) => {
                const active = pathname === area.path || pathname.startsWith(`${area.path}/`);
                return (
                  <NavLink
                    key={area.path}
                    component={Link}
                    to={area.path}
                    label={area.label}
                    active={active}
                    aria-current={active ? 'page' : undefined}
                    onClick={onNavigate}
                    py={4}
                  />
                );
              })}
            </div>
          );
        })}
      </Stack>
    </nav>
  );
}
