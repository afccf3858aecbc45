/**
 * Where the CRM parts built beside people mount on the person 360 page: lead scoring puts its
 * score card (with each rule's contribution) here, deals the list of the person's deals. They
 * render nothing until those parts are wired in.
 */
export function PersonLeadScoreSlot(_props: { profileId: string }) {
  return null;
}

export function PersonDealsSlot(_props: { profileId: string }) {
  return null;
}
