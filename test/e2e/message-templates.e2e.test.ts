// Rules written like Zendesk triggers, in the browser: a supervisor writes a text with placeholders
// and a German version in the rule editor (the counter shows the worst case), an agent solves
// tickets, and the sandbox phone shows the text rendered from each ticket: the English default for
// Carla (locale en-US), the German text for Mia (locale de); a rule that sends a day later shows
// its SMS as scheduled in the agent's sidebar, where the agent cancels it. Its own stack (connected and set up
// like the shared one) so its rule does not change what the other journeys count on the phone.
// The steps build on each other and run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELNYX_DEMO } from '../fakes/telnyx-data.ts';
import { ZENDESK_DEMO } from '../fakes/zendesk-data.ts';
import { launchBrowser, playground, waitUntil } from './playground-page.ts';
import type { Browser, Playground } from './playground-page.ts';
import { startE2eStack } from './stack.ts';

const RULE_LABEL = 'Personal thanks';
const TEXT = 'Hi {{ticket.requester.first_name | default: "there"}}, ticket #{{ticket.id}} "{{ticket.title}}" is {{ticket.status}}.';
const TEXT_DE = 'Hallo {{ticket.requester.first_name}}, Ticket #{{ticket.id}} ist erledigt.';
const SENDER = TELNYX_DEMO.numbers.support1;
const { users, tickets, phones } = ZENDESK_DEMO;

describe('Placeholders and languages in the browser', () => {
  let stopStack: (() => Promise<void>) | undefined;
  let browser: Browser;
  let pg: Playground;
  const shot = (name: string) => pg.screenshot('templates', name);

  beforeAll(async () => {
    const started = await startE2eStack('templates', 'connect-as-admin', 'never');
    stopStack = started.stop;
    browser = await launchBrowser();
    pg = playground(browser.page);
    await pg.open(started.stack.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await stopStack?.();
  });

  it('a supervisor writes a text with placeholders and a German version; the counter shows the worst case', async () => {
    await pg.actAs(users.supervisor);
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByRole('button', { name: 'New rule' }).click();
    const editor = app.getByRole('form', { name: 'New rule' });
    await editor.getByLabel('Label', { exact: true }).fill(RULE_LABEL);
    await editor.getByLabel('Sender number').selectOption(SENDER);
    await editor.getByLabel('Custom text').fill(TEXT);
    // "Hi " 3 + first name 20 + ", ticket #" 10 + id 12 + ' "' 2 + title 80 + '" is ' 5 + status 10 + "." 1
    await editor.getByText('up to 143 with placeholders', { exact: false }).first().waitFor();

    await editor.getByRole('button', { name: 'Add a language' }).click();
    await editor.getByLabel('Language 1 (Zendesk locale, e.g. de, fr, en-US)').fill('de');
    await editor.getByLabel('Text in language 1').fill(TEXT_DE);
    const groups = editor.getByRole('group', { name: 'Groups' });
    await groups.getByText('Support', { exact: true }).click();
    await groups.getByText('VIP', { exact: true }).click();
    await editor.getByTestId('rule-texts').scrollIntoViewIfNeeded();
    await shot('editor-placeholders-languages');

    await editor.getByRole('button', { name: 'Create rule' }).click();
    await app.getByRole('table', { name: 'Rules in evaluation order' }).getByText(RULE_LABEL, { exact: true }).waitFor();
  });

  it('solving a ticket puts the text rendered from that ticket on the sandbox phone', async () => {
    await pg.actAs(users.agent);
    await pg.openTicket(tickets.damagedOrder);
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    await waitUntil(async () => (await pg.ticketStatus()) === 'solved', 'the ticket shows solved');
    const sms = pg.outbox().filter({ hasText: `To ${phones.customer}` });
    await sms.waitFor();
    expect(await sms.locator('.sms__text').textContent()).toBe('Hi Carla, ticket #5001 "Order #A-1042 arrived damaged" is Solved.');
    await shot('sms-rendered');
  });

  it("a German requester gets the German text (once the admin allows texting Germany)", async () => {
    await pg.actAs(users.admin);
    // Only the installation's own country (US) is texted by default: the admin adds DE.
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByRole('tab', { name: 'Limits & privacy' }).click();
    await app.getByLabel('Countries to text').fill('US, DE');
    await app.getByRole('button', { name: 'Save limits' }).click();
    await app.getByText('Limits saved.').waitFor();
    await pg.openTicket(tickets.vipChat);
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    const sms = pg.outbox().filter({ hasText: `To ${phones.customerIntl}` });
    await sms.waitFor();
    expect(await sms.locator('.sms__text').textContent()).toBe('Hallo Mia, Ticket #5003 ist erledigt.');
    expect(await pg.outboxCount()).toBe(2);
    await shot('sms-german');
  });

  it('a delayed SMS shows as scheduled in the sidebar, and the agent cancels it', async () => {
    await pg.actAs(users.supervisor);
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByRole('button', { name: 'New rule' }).click();
    const editor = app.getByRole('form', { name: 'New rule' });
    await editor.getByLabel('Label', { exact: true }).fill('Survey tomorrow');
    await editor.getByLabel('Sender number').selectOption(SENDER);
    await editor.getByLabel('Custom text').fill('How did we do on #{{ticket.id}}?');
    await editor.getByRole('group', { name: 'Groups' }).getByText('Billing', { exact: true }).click();
    await editor.getByLabel('Send this many minutes after the interaction ends').fill('1440');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await app.getByRole('table', { name: 'Rules in evaluation order' }).getByText('Survey tomorrow', { exact: true }).waitFor();

    await pg.actAs(users.agent);
    await pg.openTicket(tickets.doubleCharge);
    await pg.page.getByRole('button', { name: 'Solve ticket' }).click();
    const send = pg.sidebar().getByRole('listitem').filter({ hasText: 'Survey tomorrow' });
    await pg.refreshSidebarUntil(send.getByText('Held', { exact: true }), 'the sidebar shows the delayed SMS');
    expect(await send.textContent()).toContain('Will be sent');
    expect(await send.textContent()).toContain('Scheduled: the rule sends some time after the interaction ends');
    await shot('sidebar-scheduled');

    await send.getByRole('button', { name: 'Cancel this SMS' }).click();
    await send.getByText('Skipped', { exact: true }).waitFor();
    expect(await send.textContent()).toContain('Cancelled by an agent');
    expect(await send.getByRole('button', { name: 'Cancel this SMS' }).count()).toBe(0);
    expect(await pg.outboxCount()).toBe(2);
    await shot('sidebar-cancelled');
  });
});
