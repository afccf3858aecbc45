import { NavLink } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { APP_AREAS } from '../app-areas';

export function AppNav({ onNavigate }: { onNavigate?: () => void }) {
  const { pathname } = useLocation();
  return (
    <nav>
      {APP_AREAS.map((area) => {
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
          />
        );
      })}
    </nav>
  );
}
