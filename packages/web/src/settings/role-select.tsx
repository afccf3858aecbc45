import { Select } from '@mantine/core';
import { ROLES, type Role, roleCanGrant } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';

type RoleSelectProps = { label: string; value: Role; onChange: (role: Role) => void };

/** Only the roles the signed-in person may hand out: never above their own. */
export function RoleSelect({ label, value, onChange }: RoleSelectProps) {
  const session = useCurrentSession();
  const grantable = ROLES.filter((role) => roleCanGrant(session.role, role));
  return (
    <Select
      label={label}
      data={grantable}
      value={value}
      allowDeselect={false}
      onChange={(role) => {
        const picked = grantable.find((candidate) => candidate === role);
        if (picked) onChange(picked);
      }}
      w={160}
    />
  );
}
