import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../email/index.js';
import { decorateEmail } from './email-decoration.js';
import { machineReasonOf } from './machine-detection.js';
import {
  bounceToken,
  bounceTokenMatches,
  messageOfBounceToken,
  signToken,
  verifyToken,
  workspaceOfToken,
} from './tracking-token.js';

const KEY = randomBytes(32);
const CLAIMS = {
  kind: 'c' as const,
  workspaceId: 'ws_01j00000000000000000000000',
  messageId: 'em_01j00000000000000000000001',
  profileId: 'prof_01j00000000000000000000002',
  sentAt: 1_780_000_000_000,
  topicId: null,
  linkIndex: 2,
  linkCount: 3,
  url: 'https://shop.example/a?b=c',
};

describe('tracking tokens', () => {
  it('carry their claims, signed: any change or another key voids them', () => {
    const token = signToken(KEY, CLAIMS);
    expect(verifyToken(KEY, token)).toEqual(CLAIMS);
    expect(workspaceOfToken(token)).toBe(CLAIMS.workspaceId);
    expect(verifyToken(randomBytes(32), token)).toBeNull();
    const other = signToken(KEY, { ...CLAIMS, url: 'https://evil.example/' });
    // The body of one with the signature of another: refused.
    expect(verifyToken(KEY, `${other.split('.')[0]}.${token.split('.')[1]}`)).toBeNull();
    expect(verifyToken(KEY, 'garbage')).toBeNull();
    expect(workspaceOfToken('garbage')).toBeNull();
  });

  it('fit a bounce address in a 64-character local part', () => {
    const token = bounceToken(KEY, CLAIMS.messageId);
    expect(`bounce+${token}`.length).toBeLessThanOrEqual(64);
    expect(messageOfBounceToken(token)).toBe(CLAIMS.messageId);
    expect(bounceTokenMatches(KEY, token, CLAIMS.messageId)).toBe(true);
    expect(bounceTokenMatches(randomBytes(32), token, CLAIMS.messageId)).toBe(false);
  });
});

describe('decorating an email', () => {
  const email: OutgoingEmail = {
    workspaceId: CLAIMS.workspaceId,
    messageId: CLAIMS.messageId,
    profileId: CLAIMS.profileId,
    to: 'ann@example.com',
    category: 'transactional',
    topicId: null,
    origin: { kind: 'api', id: 'x' },
    overCap: 'wait',
  };
  const context = { key: KEY, publicUrl: 'https://t.example', mailDomain: 't.example', sentAt: 0 };

  it('tracks links but not its own, and appends the pixel to HTML without a body', () => {
    const decorated = decorateEmail(
      email,
      {
        subject: 's',
        html: '<a href="https://t.example/e/u/abc">own</a><a href="mailto:x@y.z">mail</a><a href="http://a.example">a</a>',
        text: '',
        headers: { 'Reply-To': 'r@t.example' },
      },
      context,
    );
    expect(decorated.html).toContain('href="https://t.example/e/u/abc"');
    expect(decorated.html).toContain('href="mailto:x@y.z"');
    expect(decorated.html).not.toContain('http://a.example');
    expect(decorated.html).toMatch(/<img src="https:\/\/t\.example\/e\/o\/[\w.-]+"[^>]*>$/);
    // Transactional email keeps its headers and gets no List-Unsubscribe.
    expect(decorated.headers).toEqual({ 'Reply-To': 'r@t.example' });
  });

  it('tells machines by their agent, their haste and their clicks', () => {
    const signal = {
      kind: 'click' as const,
      method: 'GET',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/126.0',
      sentAt: 0,
      at: 60_000,
      honeypot: false,
      linkCount: 5,
      linksClickedWithinSecond: 1,
    };
    expect(machineReasonOf(signal)).toBeNull();
    expect(machineReasonOf({ ...signal, linksClickedWithinSecond: 3 })).toBe('all_links_at_once');
    expect(machineReasonOf({ ...signal, at: 4_000 })).toBe('too_soon_after_send');
    expect(machineReasonOf({ ...signal, at: 4_000 }, { afterSendMs: 1_000 })).toBeNull();
    expect(machineReasonOf({ ...signal, userAgent: 'python-requests/2.31' })).toBe('automated_client');
    expect(machineReasonOf({ ...signal, userAgent: 'Mimecast Safe Links' })).toBe('security_scanner');
  });
});
