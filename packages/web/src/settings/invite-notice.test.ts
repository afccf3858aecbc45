import type { Invitation } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { inviteNotice } from './invite-notice';

const invitation = (status: Invitation['status']): Invitation => ({
  id: 'inv_1',
  email: 'grace@example.com',
  role: 'marketer',
  status,
  invitedBy: { id: 'user_1', email: 'ada@example.com' },
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
});

describe('inviteNotice', () => {
  it('says an active invitee was added, and a pending one was invited', () => {
    expect(inviteNotice(invitation('active'), true)).toBe(
      'grace@example.com was added as marketer. We emailed them a link to sign in.',
    );
    expect(inviteNotice(invitation('pending'), true)).toBe(
      'Invitation sent to grace@example.com (marketer). They join once they accept it.',
    );
  });

  it('never claims an email was sent when Tandem cannot send one', () => {
    expect(inviteNotice(invitation('active'), false)).not.toMatch(/emailed|sent to/);
    expect(inviteNotice(invitation('pending'), false)).toMatch(/cannot send email/);
  });
});
