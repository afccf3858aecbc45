import { type Member, ROLES, type Role, roleAllows, roleCanGrant, roleOutranks } from '@tandem/contract';

export type MemberActions = {
  /** The roles the signed-in person may set on this member; empty when they may not change it. */
  assignableRoles: readonly Role[];
  canRemove: boolean;
};

/**
 * What the signed-in person may do to a member, by the server's role order: managing members
 * needs `members:manage`, nobody touches a member ranked above them or grants a role above their
 * own. Their own row is left alone here: leaving is done from their account.
 */
export function memberActions(me: { userId: string; role: Role }, member: Member): MemberActions {
  const manageable =
    member.id !== me.userId && roleAllows(me.role, 'members:manage') && !roleOutranks(member.role, me.role);
  return {
    assignableRoles: manageable ? ROLES.filter((role) => roleCanGrant(me.role, role)) : [],
    canRemove: manageable,
  };
}
