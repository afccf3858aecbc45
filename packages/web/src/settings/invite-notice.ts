import type { Invitation } from '@tandem/contract';
import { roleLabel } from '../shared/role-label';

/**
 * The sentence confirming an invitation: an `active` invitee is a member already, a `pending`
 * one joins once they accept. Without mail, nothing was sent, so it says so.
 */
export function inviteNotice(invitation: Invitation, mailConfigured: boolean): string {
  const role = roleLabel(invitation.role).toLowerCase();
  if (invitation.status === 'active') {
    return mailConfigured
      ? `${invitation.email} was added as ${role}. We emailed them a link to sign in.`
      : `${invitation.email} was added as ${role}. Tandem cannot send email: tell them to sign in with the password you set.`;
  }
  return mailConfigured
    ? `Invitation sent to ${invitation.email} (${role}). They join once they accept it.`
    : `${invitation.email} is invited as ${role}. Tandem cannot send email: if they already use Tandem, they find the invitation when they sign in; a new account needs the emailed link to accept it.`;
}
