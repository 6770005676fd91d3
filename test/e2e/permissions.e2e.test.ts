// Who may edit rules, as people see it: agents without an admin or supervisor role get the
// "ask your admin" view in the admin screen; admins get the rules.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZENDESK_DEMO } from '../fakes/zendesk-data.ts';
import { launchBrowser, playground, waitUntil } from './playground-page.ts';
import type { Browser, Playground } from './playground-page.ts';

const { users } = ZENDESK_DEMO;

describe('Who may edit rules', () => {
  const stack = inject('stack');
  let browser: Browser;
  let pg: Playground;

  beforeAll(async () => {
    browser = await launchBrowser();
    pg = playground(browser.page);
    await pg.open(stack.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('an agent without the role sees "ask your admin" and no rule controls', async () => {
    await pg.actAs(users.agent);
    await pg.showAdminScreen();
    const app = pg.navBar();
    await app.getByText('Ask your admin').waitFor();
    expect(await app.getByText('Only Zendesk admins and supervisors can manage SMS rules.', { exact: false }).isVisible()).toBe(true);
    expect(await app.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    expect(await app.getByRole('tab', { name: 'Rules' }).count()).toBe(0);
    await pg.screenshot('permissions', 'agent-ask-your-admin');
  });

  it('an agent in a custom role that is not a supervisor role is refused too', async () => {
    await pg.actAs(users.agentNoPhone);
    await pg.navBar().getByText('Ask your admin').waitFor();
    expect(await pg.navBar().getByRole('button', { name: 'New rule' }).count()).toBe(0);
  });

  it('an admin gets the rules', async () => {
    await pg.actAs(users.admin);
    await pg.navBar().getByRole('button', { name: 'New rule' }).waitFor();
    expect(await pg.navBar().getByText('Ask your admin').count()).toBe(0);
    await pg.screenshot('permissions', 'admin-rules');
  });

  it('"Reload app" loads the admin screen again with a fresh signed load', async () => {
    const frames = () => pg.page.locator('iframe[data-location="nav_bar"]');
    const before = await frames().getAttribute('name');
    await pg.reloadApp();
    await waitUntil(async () => (await frames().getAttribute('name')) !== before, 'a new app iframe');
    await pg.navBar().getByRole('button', { name: 'New rule' }).waitFor();
    expect(await frames().count()).toBe(1);
  });
});
