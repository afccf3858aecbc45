import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../src/testing/smtp-sink.js';
import { startTandem } from './support/start-tandem.js';
import {
  expectText,
  fillSignIn,
  freePort,
  freshPage,
  HAS_CHROMIUM,
  launchChromium,
  OTHER_STRONG_PASSWORD,
  pick,
  STRONG_PASSWORD,
  screenshot,
  signIn,
} from './support/web-ui-browser.js';

const OWNER = 'owner@example.com';
const OWNER_PASSWORD = 'browser-test-pass';
const ADMIN_TOKEN = 'tdm_web_ui_accounts_owner_token';
const WRITE_KEY = 'wk_web_ui_accounts_key';
const WEAK_PASSWORD = 'password1';
// The pipeline computes audiences in the background; give it time on a slow CI machine.
const PIPELINE_WAIT = { timeout: 20_000, interval: 200 };

// Accounts in the UI of a server that sends email (invitees join at once): members, tokens,
// invitation and reset links read from a real SMTP sink, password changes, leaving.
describe.skipIf(!HAS_CHROMIUM)('accounts and access in the web UI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-accounts-'));
  let smtp: SmtpSink;
  let server: Awaited<ReturnType<typeof startTandem>>;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startTandem({
      PORT: String(port),
      TANDEM_PUBLIC_URL: url,
      TANDEM_SMTP_URL: smtp.url,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_EMAIL: OWNER,
      TANDEM_ADMIN_PASSWORD: OWNER_PASSWORD,
      TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
      // Every test here signs in and opens links from one IP; the limits are not under test.
      TANDEM_LOGIN_RATE_LIMIT: '100',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('invites a member with a password, lists them, changes their role and removes another', async () => {
    const page = await freshPage(browser);
    await signIn(page, url, OWNER, OWNER_PASSWORD);
    await page.getByRole('link', { name: 'Settings' }).click();
    const invite = page.getByRole('form', { name: 'Invite member' });
    await invite.getByLabel('Member email').fill('grace@example.com');
    await invite.getByLabel(/^Initial password/).fill(WEAK_PASSWORD);
    await invite.getByRole('button', { name: 'Invite member' }).click();
    // The server's strength check explains itself in a sentence.
    await expectText(invite.getByRole('alert'), /^The password is too easy to guess\. \S/);
    await screenshot(page, 'settings-members-weak-password');

    await invite.getByLabel(/^Initial password/).fill(STRONG_PASSWORD);
    await pick(invite, 'Member role', 'Marketer');
    await invite.getByRole('button', { name: 'Invite member' }).click();
    await expectText(invite.getByRole('status'), 'grace@example.com was added as marketer.');
    const members = page.getByRole('table', { name: 'Members', exact: true });
    await expectText(members, 'grace@example.com');
    await screenshot(page, 'settings-members');

    await pick(page, 'Role of grace@example.com', 'Sales');
    await expect.poll(() => roleOf('grace@example.com')).toBe('sales');
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Role of grace@example.com' }).inputValue())
      .toBe('Sales');
    // The owner's own row has no role select nor remove button.
    expect(await page.getByRole('combobox', { name: `Role of ${OWNER}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Remove ${OWNER}` }).count()).toBe(0);

    await invite.getByLabel('Member email').fill('temp@example.com');
    await invite.getByLabel(/^Initial password/).fill(STRONG_PASSWORD);
    await invite.getByRole('button', { name: 'Invite member' }).click();
    await expectText(members, 'temp@example.com');
    const temp = (await api<{ data: { id: string; email: string }[] }>('/api/v1/members')).data.find(
      (member) => member.email === 'temp@example.com',
    );
    const kept = await send<{ profileId: string }>('POST', '/api/v1/people', {
      email: 'kept@customer.example.com',
      ownerId: temp?.id,
    });
    await page.getByRole('button', { name: 'Remove temp@example.com' }).click();
    await page.getByText('their unsolved tickets become unassigned').waitFor();
    await screenshot(page, 'settings-members-remove');
    await page.getByRole('button', { name: 'Confirm remove' }).click();
    await expect.poll(() => members.textContent()).not.toContain('temp@example.com');
    expect(await roleOf('temp@example.com')).toBeUndefined();
    // What they owned keeps them as owner, named as someone no longer here (not by a raw id).
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await expect
      .poll(
        async () =>
          (await page.getByRole('row', { name: /kept@customer\.example\.com/ }).textContent()) ?? '',
      )
      .toContain('Former member');
    await page.getByRole('link', { name: 'Settings' }).click();
    await expectText(members, 'grace@example.com');
    // Below the members, what they still own, to hand to a current member in one step.
    const formers = page.getByRole('region', { name: 'Records of former members' });
    await expectText(formers, 'temp@example.com');
    await expectText(formers, 'They own 1 person.');
    await pick(formers, "Hand over temp@example.com's records to", 'grace@example.com');
    await screenshot(page, 'settings-former-members');
    await formers.getByRole('button', { name: 'Hand over' }).click();
    await expect.poll(() => formers.count()).toBe(0);
    const grace = (await api<{ data: { id: string; email: string }[] }>('/api/v1/members')).data.find(
      (member) => member.email === 'grace@example.com',
    );
    expect((await api<{ ownerId: string }>(`/api/v1/people/${kept.profileId}`)).ownerId).toBe(grace?.id);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'settings-members-phone');
  });

  it('shows what a removed member holds and hands it to the member picked', async () => {
    await inviteWithPassword('leaver@example.com', 'sales');
    await inviteWithPassword('taker@example.com', 'sales');
    const ids = (await api<{ data: { id: string; email: string }[] }>('/api/v1/members')).data;
    const idOf = (email: string) => ids.find((member) => member.email === email)?.id ?? '';
    const leaver = idOf('leaver@example.com');
    const person = await send<{ profileId: string }>('POST', '/api/v1/people', {
      email: 'lead@customer.example.com',
      ownerId: leaver,
    });
    const task = await send<{ id: string }>('POST', '/api/v1/tasks', {
      title: 'Call back',
      dueAt: '2030-01-01T00:00:00Z',
      assigneeId: leaver,
    });
    const ticket = await send<{ id: string }>('POST', '/api/v1/tickets', {
      subject: 'Locked out',
      email: 'lead@customer.example.com',
      assigneeId: leaver,
    });

    const page = await freshPage(browser);
    await signIn(page, url, OWNER, OWNER_PASSWORD);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Remove leaver@example.com' }).click();
    await page.getByText('They own 1 person, 1 open task and 1 unsolved ticket.').waitFor();
    expect(
      await page.getByRole('combobox', { name: 'Hand their records over to', exact: true }).inputValue(),
    ).toBe('No one: they stay the owner');
    await pick(page, 'Hand their records over to', 'taker@example.com');
    await page.getByText('taker@example.com takes over the people and companies they own').waitFor();
    await screenshot(page, 'settings-members-hand-over');
    await page.getByRole('button', { name: 'Confirm remove' }).click();
    const members = page.getByRole('table', { name: 'Members', exact: true });
    await expect.poll(() => members.textContent()).not.toContain('leaver@example.com');
    const taker = idOf('taker@example.com');
    expect((await api<{ ownerId: string }>(`/api/v1/people/${person.profileId}`)).ownerId).toBe(taker);
    expect((await api<{ assigneeId: string }>(`/api/v1/tasks/${task.id}`)).assigneeId).toBe(taker);
    expect((await api<{ assigneeId: string }>(`/api/v1/tickets/${ticket.id}`)).assigneeId).toBe(taker);
  });

  it('creates a token that expires in 30 days and lists it with its creator', async () => {
    const page = await freshPage(browser);
    await signIn(page, url, OWNER, OWNER_PASSWORD);
    await page.goto(`${url}/settings?tab=tokens`);
    const form = page.getByRole('form', { name: 'Create API token' });
    await form.getByLabel('Token name').fill('Nightly export');
    await pick(form, 'Expires after', '30 days');
    const before = Date.now();
    await form.getByRole('button', { name: 'Create token' }).click();
    await expectText(page.getByLabel('New token secret'), /^\S{16,}$/);

    const token = (
      await api<{ data: { name: string; expiresAt: string | null }[] }>('/api/v1/tokens')
    ).data.find((candidate) => candidate.name === 'Nightly export');
    const lifetime = Date.parse(token?.expiresAt ?? '') - before;
    expect(lifetime).toBeGreaterThan(30 * 24 * 3600 * 1000 - 60_000);
    expect(lifetime).toBeLessThan(30 * 24 * 3600 * 1000 + 60_000);

    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /Nightly export/ });
    const expires = await page.evaluate(
      (iso) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
      token?.expiresAt ?? '',
    );
    const header = await page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('columnheader')
      .allTextContents();
    expect(header.slice(0, 6)).toEqual(['Name', 'Role', 'Created by', 'Created', 'Expires', 'Last used']);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[2]).toBe(OWNER);
    expect(cells[4]).toBe(expires);
    await screenshot(page, 'settings-tokens');
  });

  it('lets a new person choose a password from the emailed invitation and lands them in the workspace', async () => {
    const owner = await freshPage(browser);
    await signIn(owner, url, OWNER, OWNER_PASSWORD);
    await owner.goto(`${url}/settings`);
    const invite = owner.getByRole('form', { name: 'Invite member' });
    await invite.getByLabel('Member email').fill('newbie@example.com');
    await pick(invite, 'Member role', 'Support');
    await invite.getByRole('button', { name: 'Invite member' }).click();
    await expectText(invite.getByRole('status'), 'newbie@example.com was added as support. We emailed them');

    const link = await mailedLink('newbie@example.com', '/accept-invitation#token=');
    const page = await freshPage(browser);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join Default' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe('newbie@example.com');
    await expectText(page.getByText('You are invited to the workspace'), 'as Support');
    await page.getByLabel(/^Password/).fill(STRONG_PASSWORD);
    await page.getByLabel(/^Repeat the password/).fill(`${STRONG_PASSWORD}!`);
    await page.getByRole('button', { name: 'Accept and join Default' }).click();
    await expectText(page.getByText('The two passwords are not the same.'), 'not the same');
    await screenshot(page, 'accept-invitation');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'accept-invitation-phone');

    await page.getByLabel(/^Repeat the password/).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Accept and join Default' }).click();
    await page.waitForURL(/\/home/);
    await expectText(page.getByRole('banner'), 'newbie@example.com');

    // The link works once.
    await page.goto(link);
    await expectText(page.getByRole('alert'), 'This invitation link is not valid any more');
    await screenshot(page, 'accept-invitation-used');
  });

  it('changes your own password: other sessions end, and only the new password signs in', async () => {
    await inviteWithPassword('heidi@example.com', 'marketer');
    const first = await freshPage(browser);
    const second = await freshPage(browser);
    await signIn(first, url, 'heidi@example.com', STRONG_PASSWORD);
    await signIn(second, url, 'heidi@example.com', STRONG_PASSWORD);

    await first.goto(`${url}/settings?tab=account`);
    const form = first.getByRole('form', { name: 'Change password' });
    await form.getByLabel(/^Current password/).fill('not my password');
    await form.getByLabel(/^New password/).fill(OTHER_STRONG_PASSWORD);
    await form.getByLabel(/^Repeat the new password/).fill(OTHER_STRONG_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expectText(form.getByRole('alert'), 'The current password is wrong');

    await form.getByLabel(/^Current password/).fill(STRONG_PASSWORD);
    await form.getByLabel(/^New password/).fill(WEAK_PASSWORD);
    await form.getByLabel(/^Repeat the new password/).fill(WEAK_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expectText(form.getByRole('alert'), /^The password is too easy to guess\./);

    await form.getByLabel(/^New password/).fill(OTHER_STRONG_PASSWORD);
    await form.getByLabel(/^Repeat the new password/).fill(OTHER_STRONG_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expectText(form.getByRole('status'), 'Every other session of your account was signed out');
    await screenshot(first, 'settings-account');

    // The other session ends at its next call, and says so at sign-in.
    await second.getByRole('link', { name: 'Sources', exact: true }).click();
    await second.waitForURL(/\/login/);
    await expectText(second.getByRole('status'), 'Your session has ended');
    await fillSignIn(second, 'heidi@example.com', STRONG_PASSWORD);
    await expectText(second.getByRole('alert'), 'Email or password is wrong');
    await fillSignIn(second, 'heidi@example.com', OTHER_STRONG_PASSWORD);
    await second.waitForURL(/\/sources/);

    // This session stays.
    await first.reload();
    await first.getByRole('heading', { name: 'Your account' }).waitFor();
  });

  it('resets a forgotten password with the emailed link, once', async () => {
    await inviteWithPassword('ivan@example.com', 'viewer');
    const page = await freshPage(browser);
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill('ivan@example.com');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    expect(await page.getByLabel('Email').inputValue()).toBe('ivan@example.com');
    await screenshot(page, 'forgot-password');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expectText(
      page.getByRole('status'),
      'If this email has an account, a link to choose a new password',
    );
    await screenshot(page, 'forgot-password-sent');

    const link = await mailedLink('ivan@example.com', '/reset-password#token=');
    expect(link.split('#')[0]).toBe(`${url}/reset-password`);
    await page.goto(link);
    await page.getByLabel(/^New password/).fill('short');
    await page.getByLabel(/^Repeat the new password/).fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(page.getByText('Use at least 8 characters.'), '8 characters');
    await page.getByLabel(/^New password/).fill(WEAK_PASSWORD);
    await page.getByLabel(/^Repeat the new password/).fill(WEAK_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(page.getByRole('alert'), /^The password is too easy to guess\./);
    await screenshot(page, 'reset-password');

    await page.getByLabel(/^New password/).fill(OTHER_STRONG_PASSWORD);
    await page.getByLabel(/^Repeat the new password/).fill(OTHER_STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(/\/login$/);
    await expectText(page.getByRole('status'), 'Your password is changed');
    expect(await page.getByLabel('Email').inputValue()).toBe('ivan@example.com');
    await screenshot(page, 'login-after-reset');
    await page.getByLabel(/^Password/).fill(OTHER_STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/home/);

    await page.goto(link);
    await page.getByLabel(/^New password/).fill(STRONG_PASSWORD);
    await page.getByLabel(/^Repeat the new password/).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectText(
      page.getByRole('alert'),
      'This reset link is not valid any more: it was used or expired',
    );
    await page.getByRole('link', { name: 'Ask for a new reset link' }).waitFor();
    await screenshot(page, 'reset-password-used');
  });

  it('refuses to let the last owner leave, lets a member leave, and then explains why sign-in fails', async () => {
    const owner = await freshPage(browser);
    await signIn(owner, url, OWNER, OWNER_PASSWORD);
    await owner.goto(`${url}/settings?tab=account`);
    await owner.getByRole('button', { name: 'Leave Default' }).click();
    await owner.getByRole('button', { name: 'Confirm leave' }).click();
    await expectText(
      owner.getByRole('dialog').getByRole('alert'),
      'The last owner of a workspace cannot be removed',
    );
    await screenshot(owner, 'settings-account-last-owner');

    await inviteWithPassword('judy@example.com', 'viewer');
    const page = await freshPage(browser);
    await signIn(page, url, 'judy@example.com', STRONG_PASSWORD);
    await page.goto(`${url}/settings?tab=account`);
    await page.getByRole('button', { name: 'Leave Default' }).click();
    await page.getByRole('button', { name: 'Confirm leave' }).click();
    await page.waitForURL(/\/login$/);
    await expectText(page.getByRole('status'), 'You left Default.');
    await page.getByLabel(/^Password/).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'You are not a member of any workspace yet');
    await screenshot(page, 'login-no-workspace');
  });

  it('hides write keys from viewers and marks the internal audiences source, which has no delete', async () => {
    await track({
      type: 'identify',
      userId: 'u-pro',
      traits: { email: 'pro@example.com', plan: 'pro' },
    });
    const audience = await fetch(`${url}/api/v1/audiences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Pro plan', rule: { trait: 'plan', op: 'eq', value: 'pro' } }),
    });
    expect(audience.status).toBe(201);
    await expect
      .poll(
        async () => (await api<{ data: { kind: string }[] }>('/api/v1/sources')).data.map((s) => s.kind),
        PIPELINE_WAIT,
      )
      .toContain('internal');

    const owner = await freshPage(browser);
    await signIn(owner, url, OWNER, OWNER_PASSWORD);
    await owner.getByRole('link', { name: 'Sources', exact: true }).click();
    const sources = owner.getByRole('table', { name: 'Sources' });
    const internalRow = sources.getByRole('row', { name: /Tandem audiences/ });
    await expectText(internalRow, 'Internal');
    await expectText(internalRow, 'None: Tandem writes this source itself');
    expect(await internalRow.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    await expectText(sources, WRITE_KEY);
    expect(await owner.getByRole('button', { name: 'Delete source Default' }).count()).toBe(1);
    await screenshot(owner, 'sources-owner');

    await inviteWithPassword('victor@example.com', 'viewer');
    const viewer = await freshPage(browser);
    await signIn(viewer, url, 'victor@example.com', STRONG_PASSWORD);
    await viewer.getByRole('link', { name: 'Sources', exact: true }).click();
    const seen = viewer.getByRole('table', { name: 'Sources' });
    await expectText(seen, 'Hidden: only roles that manage sources see write keys');
    expect(await seen.textContent()).not.toContain(WRITE_KEY);
    expect(await viewer.getByRole('button', { name: /^Delete source/ }).count()).toBe(0);
    expect(await viewer.getByRole('form', { name: 'Create source' }).count()).toBe(0);
    await screenshot(viewer, 'sources-viewer');

    await viewer.getByRole('link', { name: 'Debugger of Default' }).click();
    await expectText(viewer.getByRole('main'), 'Hidden: only roles that manage sources see write keys');
    await screenshot(viewer, 'source-debugger-viewer');
    await viewer.getByRole('link', { name: '← Sources' }).click();
    await viewer.getByRole('link', { name: 'Debugger of Tandem audiences' }).click();
    await expectText(viewer.getByRole('main'), 'None: Tandem writes this source itself');
    await screenshot(viewer, 'source-debugger-internal');
  }, 60_000);

  /** A call of the admin API with the bootstrap owner's token. */
  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** A write of the admin API with the bootstrap owner's token; its answer. */
  async function send<T>(method: 'POST' | 'PATCH', path: string, body: object): Promise<T> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as T;
  }

  async function roleOf(email: string): Promise<string | undefined> {
    const members = await api<{ data: { email: string; role: string }[] }>('/api/v1/members');
    return members.data.find((member) => member.email === email)?.role;
  }

  async function inviteWithPassword(email: string, role: string): Promise<void> {
    const response = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, role, password: STRONG_PASSWORD }),
    });
    expect(response.status).toBe(201);
  }

  async function track(call: object): Promise<void> {
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch: [call] }),
    });
    expect(response.status).toBe(200);
  }

  /** The link of the last email to `address` that leads to `path` (mail is sent in the background). */
  async function mailedLink(address: string, path: string): Promise<string> {
    const find = () =>
      smtp
        .to(address)
        .map(
          (mail) =>
            new RegExp(`https?://\\S+${path.replace(/[#/]/g, '\\$&')}\\S+`).exec(mail.text ?? '')?.[0],
        )
        .findLast((link) => link !== undefined);
    await expect.poll(find, { timeout: 10_000 }).toBeDefined();
    return find() ?? '';
  }
});
