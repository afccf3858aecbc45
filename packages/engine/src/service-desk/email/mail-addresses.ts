// Addresses as the channel compares them: lower-cased, and split around the plus tag that
// carries a ticket's reply token (`support+t_<token>@example.com`).

const TOKEN_TAG = 't_';

/** Lower-cased and trimmed; angle brackets dropped. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** The mailbox address a recipient reaches, and the reply token in its plus tag, if any. */
export function parseRecipient(address: string): { mailboxAddress: string; replyToken: string | null } {
  const normalized = normalizeAddress(address);
  const at = normalized.lastIndexOf('@');
  if (at < 0) return { mailboxAddress: normalized, replyToken: null };
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus < 0) return { mailboxAddress: normalized, replyToken: null };
  const tag = local.slice(plus + 1);
  return {
    mailboxAddress: `${local.slice(0, plus)}@${domain}`,
    replyToken:
      tag.startsWith(TOKEN_TAG) && tag.length > TOKEN_TAG.length ? tag.slice(TOKEN_TAG.length) : null,
  };
}

/** A ticket's reply address under a mailbox. */
export function replyAddress(mailboxAddress: string, replyToken: string): string {
  const at = mailboxAddress.lastIndexOf('@');
  return `${mailboxAddress.slice(0, at)}+${TOKEN_TAG}${replyToken}@${mailboxAddress.slice(at + 1)}`;
}

/** The domain of an address (for Message-IDs). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
