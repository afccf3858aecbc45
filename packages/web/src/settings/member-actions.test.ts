import type { Member, Role } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { memberActions } from './member-actions';

const member = (id: string, role: Role): Member => ({
  id,
  email: `${id}@example.com`,
  role,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('memberActions', () => {
  it('lets an owner set any role on anyone else, owners included', () => {
    const me = { userId: 'me', role: 'owner' as const };
    expect(memberActions(me, member('other', 'owner'))).toEqual({
      assignableRoles: ['owner', 'admin', 'marketer', 'sales', 'support', 'viewer'],
      canRemove: true,
    });
  });

  it('keeps an admin below the owner and from granting owner', () => {
    const me = { userId: 'me', role: 'admin' as const };
    expect(memberActions(me, member('boss', 'owner'))).toEqual({ assignableRoles: [], canRemove: false });
    expect(memberActions(me, member('peer', 'admin'))).toEqual({
      assignableRoles: ['admin', 'marketer', 'sales', 'support', 'viewer'],
      canRemove: true,
    });
  });

  it('gives roles without members:manage nothing to do', () => {
    const me = { userId: 'me', role: 'marketer' as const };
    expect(memberActions(me, member('v', 'viewer'))).toEqual({ assignableRoles: [], canRemove: false });
  });

  it('leaves the signed-in person’s own row alone', () => {
    const me = { userId: 'me', role: 'owner' as const };
    expect(memberActions(me, member('me', 'owner'))).toEqual({ assignableRoles: [], canRemove: false });
  });
});
