import { Select } from '@mantine/core';
import { ROLES, type Role, roleCanGrant } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { roleLabel } from '../shared/role-label';

type RoleSelectProps = {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  /** The roles offered; by default those the signed-in person may hand out (never above their own). */
  roles?: readonly Role[];
  /** Hides the label visually (it still names the field for screen readers), e.g. in a table cell. */
  hideLabel?: boolean;
  disabled?: boolean;
  error?: string | undefined;
  size?: 'xs' | 'sm';
};

export function RoleSelect({ label, value, onChange, roles, hideLabel, ...rest }: RoleSelectProps) {
  const session = useCurrentSession();
  const offered = roles ?? ROLES.filter((role) => roleCanGrant(session.role, role));
  return (
    <Select
      label={hideLabel ? undefined : label}
      aria-label={hideLabel ? label : undefined}
      data={offered.map((role) => ({ value: role, label: roleLabel(role) }))}
      value={value}
      allowDeselect={false}
      onChange={(role) => {
        const picked = offered.find((candidate) => candidate === role);
        if (picked) onChange(picked);
      }}
      w={160}
      {...rest}
    />
  );
}
