import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../src/testing/smtp-sink.js';
import { CLI, startTandem } from './support/start-tandem.js';
import {
  expectText,
  fillSignIn,
  freshPage,
  HAS_CHROMIUM,
  launchChromium,
  pick,
  STRONG_PASSWORD,
  screenshot,
  signIn,
} from './support/web-ui-browser.js';

const run = promisify(execFile);
const OWNER = 'owner@example.com';
const OWNER_PASSWORD = 'browser-test-pass';

// Invitations where invitees join only once they accept (which needs a mail relay): the
// pending list, and answering an invitation inside the app.
describe.skipIf(!HAS_CHROMIUM)('invitations needing acceptance in the web UI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-web-invitations-'));
  const env: Record<string, string> = {
    TANDEM_DATA_DIR: dataDir,
    TANDEM_ADMIN_EMAIL: OWNER,
    TANDEM_ADMIN_PASSWORD: OWNER_PASSWORD,
    TANDEM_INVITATIONS_NEED_ACCEPTANCE: 'true',
    TANDEM_LOGIN_RATE_LIMIT: '100',
  };
  let server: Awaited<ReturnType<typeof startTandem>>;
  let browser: Browser;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    env.TANDEM_SMTP_URL = smtp.url;
    server = await startTandem(env);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists a pending invitation, keeps the invitee out until they accept, and withdraws it', async () => {
    const owner = await freshPage(browser);
    await signIn(owner, server.url, OWNER, OWNER_PASSWORD);
    await owner.goto(`${server.url}/settings`);
    const invite = owner.getByRole('form', { name: 'Invite member' });
    await invite.getByLabel('Member email').fill('dave@example.com');
    await invite.getByLabel(/^Initial password/).fill(STRONG_PASSWORD);
    await invite.getByRole('button', { name: 'Invite member' }).click();
    await expectText(
      invite.getByRole('status'),
      'Invitation sent to dave@example.com (viewer). They join once they accept it.',
    );

    const pending = owner.getByRole('table', { name: 'Pending invitations' });
    const row = pending.getByRole('row', { name: /dave@example\.com/ });
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['dave@example.com', 'Viewer', OWNER]);
    expect(Date.parse(cells[3] ?? '')).not.toBeNaN();
    await expectText(owner.getByRole('table', { name: 'Members', exact: true }), OWNER);
    expect(await owner.getByRole('table', { name: 'Members', exact: true }).textContent()).not.toContain(
      'dave@example.com',
    );
    await screenshot(owner, 'settings-members-pending');

    // Until they accept, dave belongs to no workspace, and sign-in says so.
    const dave = await freshPage(browser);
    await dave.goto(`${server.url}/login`);
    await fillSignIn(dave, 'dave@example.com', STRONG_PASSWORD);
    await expectText(dave.getByRole('alert'), 'You are not a member of any workspace yet');

    await owner.getByRole('button', { name: 'Withdraw the invitation of dave@example.com' }).click();
    await owner.getByRole('button', { name: 'Confirm withdraw' }).click();
    await expect.poll(() => pending.count()).toBe(0);
  });

  it('shows a member their invitation to another workspace, to decline or accept and open, then leave', async () => {
    await cli(
      'user',
      'create',
      '--email',
      'carol@example.com',
      '--password',
      STRONG_PASSWORD,
      '--role',
      'marketer',
    );
    await cli('workspace', 'create', '--name', 'Globex', '--owner', OWNER);
    const owner = await freshPage(browser);
    await signIn(owner, server.url, OWNER, OWNER_PASSWORD);
    await pick(owner, 'Workspace', 'Globex');
    await expect.poll(() => owner.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe('Globex');
    await owner.goto(`${server.url}/settings`);
    await inviteCarol(owner);

    const carol = await freshPage(browser);
    await signIn(carol, server.url, 'carol@example.com', STRONG_PASSWORD);
    const invitations = carol.getByRole('region', { name: 'Your invitations' });
    await expectText(invitations, `${OWNER} invited you to join Globex as marketer.`);
    await carol.getByRole('button', { name: 'Decline the invitation to Globex' }).click();
    await expect.poll(() => invitations.count()).toBe(0);

    await inviteCarol(owner);
    await carol.reload();
    await expectText(invitations, 'Globex');
    await screenshot(carol, 'your-invitations');
    await carol.getByRole('button', { name: 'Accept the invitation to Globex' }).click();
    await expectText(invitations.getByRole('status'), 'You joined Globex.');
    await screenshot(carol, 'your-invitations-accepted');
    await carol.getByRole('button', { name: 'Open Globex' }).click();
    await expect.poll(() => carol.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe('Globex');

    await carol.goto(`${server.url}/settings?tab=account`);
    await carol.getByRole('button', { name: 'Leave Globex' }).click();
    await carol.getByRole('button', { name: 'Confirm leave' }).click();
    // Still signed in, now in the workspace she kept.
    await expect.poll(() => carol.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe('Default');
    await screenshot(carol, 'after-leaving');
  }, 60_000);

  async function inviteCarol(owner: Awaited<ReturnType<typeof freshPage>>): Promise<void> {
    const invite = owner.getByRole('form', { name: 'Invite member' });
    await invite.getByLabel('Member email').fill('carol@example.com');
    await pick(invite, 'Member role', 'Marketer');
    await invite.getByRole('button', { name: 'Invite member' }).click();
    await expectText(invite.getByRole('status'), 'Invitation sent to carol@example.com (marketer)');
  }

  /** Runs an operator command of the CLI on the server's data folder. */
  async function cli(...args: string[]): Promise<void> {
    await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  }
});
