// The product end to end, as people use it: a supervisor creates a rule in the admin screen, an
// agent solves tickets, the SMS arrives on the sandbox phone with the exact text, the sidebar shows
// it delivered; a carrier failure shows its reason and Retry sends exactly one more SMS; the
// customer's reply from the phone becomes their comment on the ticket and shows in the sidebar.
// Runs on the shared stack, whose demo account is connected and set up (global-setup.ts); the
// install itself is install.e2e.test.ts. The steps build on each other and run in order.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TELNYX_DEMO } from '../fakes/telnyx-data.ts';
import { ZENDESK_DEMO } from '../fakes/zendesk-data.ts';
import { docScreenshot, marketplaceScreenshot, launchBrowser, playground, waitUntil } from './playground-page.ts';
import type { Browser, Playground } from './playground-page.ts';

const RULE_LABEL = 'Thank the customer';
const SMS_TEXT = 'Thanks for contacting Acme! Your ticket is solved. Reply STOP to opt out.';
const SENDER = TELNYX_DEMO.numbers.support1;
const { users, tickets, phones } = ZENDESK_DEMO;

describe('SMS journey', () => {
  const stack = inject('stack');
  let browser: Browser;
  let pg: Playground;
  const shot = (name: string) => pg.screenshot('journey', name);

  beforeAll(async () => {
    browser = await launchBrowser();
    pg = playground(browser.page);
    await pg.open(stack.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a supervisor creates a rule in the admin screen', async () => {
    await pg.actAs(users.supervisor);
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByRole('button', { name: 'New rule' }).click();

    const editor = app.getByRole('form', { name: 'New rule' });
    await editor.getByLabel('Label', { exact: true }).fill(RULE_LABEL);
    await editor.getByLabel('Sender number').selectOption(SENDER);
    const customer = editor.getByRole('checkbox', { name: 'The customer' }); // on by default
    await editor.getByLabel('Custom text').fill(SMS_TEXT);
    await editor.getByText(`${SMS_TEXT.length} / 500 characters`, { exact: false }).waitFor();
    // Garden draws its own checkboxes over visually hidden inputs: people click the label.
    const groups = editor.getByRole('group', { name: 'Groups' });
    await groups.getByText('Support', { exact: true }).click();
    await groups.getByText('Billing', { exact: true }).click();
    const support = groups.getByRole('checkbox', { name: 'Support', exact: true });
    const billing = groups.getByRole('checkbox', { name: 'Billing', exact: true });
    for (const box of [customer, support, billing, editor.getByRole('checkbox', { name: 'The ticket is solved' })]) {
      expect(await box.isChecked()).toBe(true);
    }
    await groups.scrollIntoViewIfNeeded();
    await shot('rule-editor-filled');
    await docScreenshot(pg.page, 'rule-editor');
    await marketplaceScreenshot(pg.page, 1, pg.page.locator('iframe[data-location="nav_bar"]'));

    await editor.getByRole('button', { name: 'Create rule' }).click();
    const table = app.getByRole('table', { name: 'Rules in evaluation order' });
    await table.getByText(RULE_LABEL, { exact: true }).waitFor();
    expect(await table.textContent()).toContain(SENDER);
    await shot('rule-saved');
    await docScreenshot(pg.page, 'admin-rules');
    await marketplaceScreenshot(pg.page, 0, pg.page.locator('iframe[data-location="nav_bar"]'));
  });

  it('solving a ticket puts the SMS on the sandbox phone with the exact text', async () => {
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.damagedOrder);
    await pg.sidebar().getByText(RULE_LABEL).waitFor(); // "this rule would send an SMS"
    await shot('ticket-before-solve');

    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    await waitUntil(async () => (await pg.ticketStatus()) === 'solved', 'the ticket shows solved');

    const sms = pg.outbox().filter({ hasText: `To ${phones.customer}` });
    await sms.waitFor();
    expect(await pg.outboxCount()).toBe(1);
    expect(await sms.locator('.sms__text').textContent()).toBe(SMS_TEXT);
    expect(await sms.locator('.sms__meta').textContent()).toContain(`from ${SENDER}`);
    await sms.filter({ hasText: 'Delivered' }).waitFor();
    await shot('sms-on-phone');
  });

  it("the agent's sidebar shows the SMS delivered", async () => {
    const send = pg.sidebar().getByRole('listitem').filter({ hasText: RULE_LABEL });
    await pg.refreshSidebarUntil(send.getByText('Delivered', { exact: true }), 'the sidebar shows Delivered');
    expect(await send.textContent()).toContain('(customer)');
    expect(await send.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await shot('sidebar-delivered');
  });

  it('a carrier failure shows its reason in the sidebar, and Retry delivers exactly one more SMS', async () => {
    await pg.page.getByLabel('Carrier error').selectOption({ label: 'Not routable (40001)' });
    await pg.page.getByRole('button', { name: 'Fail next SMS' }).click();
    await pg.page.getByText('The next SMS will fail: Not routable (40001).').waitFor();

    await pg.openTicket(tickets.doubleCharge);
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    const failed = pg.outbox().filter({ hasText: `To ${phones.doubleChargeField}` });
    await failed.filter({ hasText: 'Failed: Not routable (40001)' }).waitFor();
    expect(await failed.locator('.sms__text').textContent()).toBe(SMS_TEXT);
    expect(await pg.outboxCount()).toBe(2);

    const send = pg.sidebar().getByRole('listitem').filter({ hasText: RULE_LABEL });
    await pg.refreshSidebarUntil(send.getByText('Failed', { exact: true }), 'the sidebar shows Failed');
    expect(await send.textContent()).toContain('Why: The carrier could not deliver it');
    expect(await send.textContent()).toContain('Carrier: Not routable');
    await shot('sidebar-failed');
    await docScreenshot(pg.page, 'sidebar-and-sandbox');
    await marketplaceScreenshot(pg.page, 2);

    await send.getByRole('button', { name: 'Retry' }).click();
    const retried = pg
      .outbox()
      .filter({ hasText: `To ${phones.doubleChargeField}` })
      .filter({ hasText: 'Delivered' });
    await retried.waitFor();
    expect(await retried.locator('.sms__text').textContent()).toBe(SMS_TEXT);
    await pg.refreshSidebarUntil(send.getByText('Delivered', { exact: true }), 'the sidebar shows the retry delivered');
    expect(await send.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    // Exactly one extra message, also a little later (no duplicate from the queue or a callback).
    await new Promise((r) => setTimeout(r, 2000));
    expect(await pg.outboxCount()).toBe(3);
    await shot('retry-delivered');
  });

  it('ending the VIP chat runs the "conversation ended" trigger, and the worker accepts its webhook', async () => {
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.vipChat);
    await pg.page.getByRole('button', { name: 'End chat' }).click();
    const line = pg.page.getByRole('list', { name: 'Activity' }).getByText(`Chat on ticket #${tickets.vipChat} ended`, { exact: false });
    await line.waitFor();
    expect(await line.textContent()).toContain('the worker answered 202');
  });

  it("the customer replies from the sandbox phone: the reply is the requester's comment on the ticket and shows under the SMS in the sidebar", async () => {
    const REPLY = 'The replacement arrived, but the lid is cracked too.';
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.damagedOrder);
    const sms = pg.outbox().filter({ hasText: `To ${phones.customer}` }).first();
    await sms.getByRole('textbox', { name: `Reply to the SMS to ${phones.customer}` }).fill(REPLY);
    await sms.getByRole('button', { name: 'Reply' }).click();
    const line = pg.page.getByRole('list', { name: 'Activity' }).getByText(`${phones.customer} replied`, { exact: false });
    await line.waitFor();
    expect(await line.textContent()).toContain('the worker answered 200');

    // The ticket view shows the comments the Zendesk fake holds: the requester's public reply.
    const comment = pg.page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: REPLY });
    await comment.waitFor({ timeout: 20_000 });
    expect(await comment.textContent()).toContain('Carla Customer · public reply');

    const send = pg.sidebar().getByRole('listitem').filter({ hasText: RULE_LABEL }).first();
    const reply = send.getByRole('list', { name: 'Replies to this SMS' }).getByRole('listitem').filter({ hasText: REPLY });
    await pg.refreshSidebarUntil(reply.getByText("Added as the requester's comment"), 'the sidebar shows the reply added');
    expect(await reply.textContent()).not.toContain(phones.customer);
    await shot('reply-in-ticket-and-sidebar');
  });

  it("the report shows the day's SMS of the rule, and Download CSV saves the same rows", async () => {
    await pg.actAs(users.supervisor);
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByRole('tab', { name: 'Report' }).click();
    const report = app.getByRole('region', { name: 'Delivery report' });
    const row = report.getByRole('row').filter({ hasText: RULE_LABEL }).first();
    await row.waitFor({ timeout: 20_000 });
    await shot('report');
    await docScreenshot(pg.page, 'report');

    const downloaded = pg.page.waitForEvent('download');
    await report.getByRole('button', { name: 'Download CSV' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/^sms-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path()) as string, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header?.split(',')[0]).toBe('day');
    expect(lines.some((line) => line.includes(RULE_LABEL))).toBe(true);
  });
});
