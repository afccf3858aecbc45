import { z } from 'zod';

/** Roles a workspace member or API token can hold, most powerful first. */
export const ROLES = ['owner', 'admin', 'marketer', 'sales', 'support', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const PERMISSIONS = [
  'workspace:manage',
  'members:manage',
  'tokens:manage',
  'sources:read',
  'sources:write',
  'events:read',
  'profiles:read',
  'profiles:write',
  'profiles:merge',
  'audiences:read',
  'audiences:write',
  'destinations:read',
  'destinations:write',
  'crm:read',
  'crm:write',
  'tickets:write',
  'privacy:manage',
  'pii:read',
  'audit:read',
  'insights:read',
  'insights:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = [
  'sources:read',
  'events:read',
  'profiles:read',
  'audiences:read',
  'destinations:read',
  'crm:read',
  'insights:read',
];

/** The permission table: what each role may do. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS.filter((permission) => permission !== 'workspace:manage'),
  marketer: [...READ_ALL, 'audiences:write', 'destinations:write', 'profiles:write', 'insights:write'],
  // Sales and support work with people by name and address: they read personal data unmasked.
  // Marketers and viewers see it masked (pii/), unless a workspace allowlists a field for them.
  sales: [...READ_ALL, 'crm:write', 'profiles:write', 'pii:read', 'insights:write'],
  support: [...READ_ALL, 'tickets:write', 'profiles:write', 'pii:read', 'insights:write'],
  viewer: READ_ALL,
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Whether `granter` may hand out `role` (to a token or an invited user): never above itself. */
export function roleCanGrant(granter: Role, role: Role): boolean {
  return ROLES.indexOf(granter) <= ROLES.indexOf(role);
}

/** Whether `role` ranks strictly above `other` (an admin does not outrank another admin). */
export function roleOutranks(role: Role, other: Role): boolean {
  return ROLES.indexOf(role) < ROLES.indexOf(other);
}

/** The less powerful of two roles: what a token may do is capped by its creator's current role. */
export function lesserRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b;
}
