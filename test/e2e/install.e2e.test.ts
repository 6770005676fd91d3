// Installing the app in a new account, with nothing pasted: Ada Admin opens the admin screen,
// presses Connect Zendesk, approves in Zendesk's consent window, and lands in Setup; one click
// connects the SMS sandbox, one creates the Zendesk webhook and triggers; she creates a rule;
// an agent solves a ticket and the SMS arrives on the sandbox phone. Nothing is typed but the
// rule's label and text, and nothing is copied from one step to another. The Setup checklist then
// shows the webhook and triggers as Zendesk has them, and pressing Setup again keeps them (the
// Zendesk fake's snapshot says so).
// Its own stack, started fresh with the demo account NOT connected (the shared one is connected).
// The steps build on each other and run in order.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV } from '../../scripts/local-stack.ts';
import { zendeskControl } from '../fakes/control-client.ts';
import { TELNYX_DEMO } from '../fakes/telnyx-data.ts';
import { ZENDESK_DEMO } from '../fakes/zendesk-data.ts';
import { ARTIFACTS_DIR } from './paths.ts';
import { docScreenshot, launchBrowser, playground, waitUntil } from './playground-page.ts';
import type { Browser, Playground } from './playground-page.ts';
import { startE2eStack } from './stack.ts';

const RULE_LABEL = 'Thanks after solving';
const SMS_TEXT = 'Thanks for contacting Acme! Your ticket is solved. Reply STOP to opt out.';
const { users, tickets, phones } = ZENDESK_DEMO;

describe('Installing the app in a new account', () => {
  let stopStack: (() => Promise<void>) | undefined;
  let browser: Browser;
  let pg: Playground;
  let zendeskUrl = '';
  const shot = (name: string) => pg.screenshot('install', name);

  beforeAll(async () => {
    const started = await startE2eStack('install', 'none', 'never');
    stopStack = started.stop;
    zendeskUrl = started.stack.zendeskUrl;
    expect(started.stack.installationId).toBeNull();
    browser = await launchBrowser();
    pg = playground(browser.page);
    await pg.open(started.stack.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await stopStack?.();
  });

  it('before setup, solving a ticket says the webhook is not set up yet', async () => {
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.damagedOrder);
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    await pg.page.getByRole('list', { name: 'Activity' }).getByText('The Zendesk webhook is not set up yet', { exact: false }).waitFor();
    expect(await pg.ticketStatus()).toBe('open');
    expect(await pg.outboxCount()).toBe(0);
    await shot('solve-before-setup');
  });

  it('an agent is told that an admin must connect the app', async () => {
    await pg.showAdminScreen();
    await pg.navBar().getByText('An admin of this Zendesk account must connect the app first.').waitFor();
    expect(await pg.navBar().getByRole('button', { name: 'Connect Zendesk' }).count()).toBe(0);
  });

  it('Ada Admin connects Zendesk: the consent window opens, she allows, and the admin screen opens Setup', async () => {
    await pg.actAs(users.admin);
    const app = pg.navBar();
    const connect = app.getByRole('button', { name: 'Connect Zendesk' });
    await connect.waitFor();
    await shot('connect');

    const popupOpened = browser.context.waitForEvent('page');
    await connect.click();
    const consent = await popupOpened;
    await consent.waitForLoadState();
    await consent.getByRole('heading', { name: 'Allow access to your Zendesk account?' }).waitFor();
    expect(await consent.getByText('demo.zendesk.com', { exact: true }).count()).toBeGreaterThan(0);
    // Zendesk has Ada signed in: the fake's stand-in for the session is preselected.
    expect(await consent.getByLabel('Signed in as').inputValue()).toBe(String(users.admin));
    await docScreenshot(consent, 'connect-consent');
    await consent.screenshot({ path: join(ARTIFACTS_DIR, 'install-consent-page.png') });

    const closed = consent.waitForEvent('close', { timeout: 20_000 });
    await consent.getByRole('button', { name: 'Allow' }).click();
    await consent
      .getByRole('heading', { name: 'Zendesk is connected' })
      .waitFor()
      .catch(() => undefined);
    await closed;

    // The app noticed, refreshed its session and opened Setup.
    await app.getByRole('button', { name: 'Use the SMS sandbox' }).waitFor({ timeout: 30_000 });
    expect(await app.getByText('Connected to demo', { exact: false }).count()).toBeGreaterThan(0);
    await shot('setup-connected');
    // For the README: the SMS sandbox offer and "Connected to demo.zendesk.com" in one view.
    await app
      .getByRole('heading', { name: 'SMS (Telnyx)' })
      .scrollIntoViewIfNeeded()
      .catch(() => undefined);
    await docScreenshot(pg.page, 'setup-connected');
  });

  it('Setup: the SMS sandbox and the Zendesk webhook and triggers, one click each', async () => {
    const app = pg.navBar();
    await app.getByRole('button', { name: 'Use the SMS sandbox' }).click();
    await app.getByText('Connected to the SMS sandbox', { exact: false }).first().waitFor();

    await app.getByRole('button', { name: 'Create Zendesk webhook and triggers' }).click();
    await app.getByText('Created the webhook', { exact: false }).waitFor();
    await shot('setup-done');
  });

  it('the Setup checklist shows the webhook and both triggers active in Zendesk; pressing Setup again keeps them', async () => {
    const app = pg.navBar();
    const health = app.getByRole('region', { name: 'Zendesk webhook and triggers' });
    const met = (testId: string) => health.locator(`[data-testid="${testId}"][data-met="true"]`);
    const items = ['zendesk-webhook-health', 'zendesk-trigger-health-ticket_solved', 'zendesk-trigger-health-conversation_ended'];
    for (const id of items) await met(id).waitFor();
    await health.scrollIntoViewIfNeeded().catch(() => undefined);
    await shot('setup-health');

    const zd = zendeskControl(zendeskUrl);
    const before = await zd.account(LOCAL_DEV.subdomain);
    expect(before.webhooks).toHaveLength(1);
    expect(before.triggers).toHaveLength(2);
    await app.getByRole('button', { name: 'Create Zendesk webhook and triggers' }).click();
    await app.getByText(`Kept the webhook ${before.webhooks[0]?.id}: 0 trigger(s) created, 0 repaired, 0 removed.`).waitFor();
    const after = await zd.account(LOCAL_DEV.subdomain);
    expect(after.webhooks.map((w) => w.id)).toEqual(before.webhooks.map((w) => w.id));
    expect(after.webhooks[0]?.signing_secret).toBe(before.webhooks[0]?.signing_secret);
    expect(after.triggers.map((t) => [t.id, t.active])).toEqual(before.triggers.map((t) => [t.id, true]));
    for (const id of items) await met(id).waitFor();
  });

  it('Ada creates a rule: only a label and the text are typed', async () => {
    const app = pg.navBar();
    await app.getByRole('tab', { name: 'Rules' }).click();
    await app.getByRole('button', { name: 'New rule' }).click();
    const editor = app.getByRole('form', { name: 'New rule' });
    await editor.getByLabel('Label', { exact: true }).fill(RULE_LABEL);
    // The sandbox's numbers are offered; picking one is a choice, not something copied.
    await editor.getByLabel('Sender number').selectOption(TELNYX_DEMO.numbers.support1);
    await editor.getByLabel('Custom text').fill(SMS_TEXT);
    expect(await editor.getByRole('checkbox', { name: 'The customer' }).isChecked()).toBe(true);
    expect(await editor.getByRole('checkbox', { name: 'The ticket is solved' }).isChecked()).toBe(true);
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await app.getByRole('table', { name: 'Rules in evaluation order' }).getByText(RULE_LABEL, { exact: true }).waitFor();
    await shot('rule-created');
  });

  it('an agent solves ticket 5001 and the SMS arrives on the sandbox phone', async () => {
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.damagedOrder);
    await pg.sidebar().getByText(RULE_LABEL).waitFor();
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    await waitUntil(async () => (await pg.ticketStatus()) === 'solved', 'the ticket shows solved');

    const sms = pg.outbox().filter({ hasText: `To ${phones.customer}` });
    await sms.filter({ hasText: 'Delivered' }).waitFor({ timeout: 30_000 });
    expect(await sms.locator('.sms__text').textContent()).toBe(SMS_TEXT);
    expect(await sms.locator('.sms__meta').textContent()).toContain(`from ${TELNYX_DEMO.numbers.support1}`);
    expect(await pg.outboxCount()).toBe(1);
    await shot('sms-on-phone');
  });
});
