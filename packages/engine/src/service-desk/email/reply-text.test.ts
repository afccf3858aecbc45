import { describe, expect, it } from 'vitest';
import { replyText } from './reply-text.js';

describe('the own words of a reply', () => {
  it('drop the quote under a Gmail attribution, wrapped or not', () => {
    expect(
      replyText(
        'Thanks, it works.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Agent <a@acme.test> wrote:\n> Try this',
      ),
    ).toBe('Thanks, it works.');
    expect(
      replyText(
        'Still broken.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Agent Smith <agent@acme.test>\nwrote:\n> x',
      ),
    ).toBe('Still broken.');
  });

  it('drop Outlook’s original message block and a trailing block of quoted lines', () => {
    expect(replyText('Yes.\r\n\r\n-----Original Message-----\r\nFrom: Agent\r\nSubject: x')).toBe('Yes.');
    expect(replyText('Yes.\n________________________________\nFrom: Agent <a@acme.test>\nSent: Monday')).toBe(
      'Yes.',
    );
    expect(replyText('Answer\n> quoted\n> more\n')).toBe('Answer');
  });

  it('keep quotes inside the answer and a message that is only a quote', () => {
    expect(replyText('You said\n> this\nbut I meant that.')).toBe('You said\n> this\nbut I meant that.');
    expect(replyText('> only a quote')).toBe('> only a quote');
    expect(replyText('On it.')).toBe('On it.');
  });
});
