import type { Role } from '@tandem/contract';

const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  marketer: 'Marketer',
  sales: 'Sales',
  support: 'Support',
  viewer: 'Viewer',
};

/** A role as people read it in the UI. */
export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
