// Drives the playground like a person would: Debian's Chromium through playwright-core, a fresh
// profile per test file, and a small page object for the playground's controls and the two app
// iframes (pages the worker serves after a signed load). Assertions wait for what is on screen
// (polling), never for internals.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { ARTIFACTS_DIR, DOC_SCREENSHOTS_DIR, MARKETPLACE_SCREENSHOTS_DIR } from './paths.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  page: Page;
  /** Popups (the Zendesk consent window) open as new pages of this context. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * The README's screenshots (docs/screenshots/<name>.png, the viewport as a person sees it), only
 * when UPDATE_DOC_SCREENSHOTS=1: they show clock times, so every run would change them.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') return;
  mkdirSync(DOC_SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(DOC_SCREENSHOTS_DIR, `${name}.png`) });
}

/** Zendesk's listing screenshots: PNG, 1024x768, full bleed, no padding, at most 500 KB. */
export const MARKETPLACE_SCREENSHOT = { width: 1024, height: 768 } as const;

/**
 * A Zendesk Marketplace screenshot (zendesk-app/assets/screenshot-<index>.png) made from what the
 * test shows: `region` (e.g. the app's iframe) or the whole page, scaled to cover 1024x768 from
 * the top left in a blank page of the same browser. Requirements: "Create app brand assets"
 * (https://developer.zendesk.com/apps/docs/publish/create_assets; files in /assets, screenshots
 * numbered from 0, at most three) and the size rules Zendesk gives for listing screenshots
 * (1024x768 or 2048x1536 PNG, 500KB or smaller, no rounded corners or padding). Only with
 * UPDATE_DOC_SCREENSHOTS=1, like docScreenshot.
 */
export async function marketplaceScreenshot(page: Page, index: 0 | 1 | 2, region?: Locator): Promise<void> {
  if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') return;
  const shot = region ? await region.screenshot() : await page.screenshot();
  const canvas = await page.context().newPage();
  try {
    await canvas.setViewportSize(MARKETPLACE_SCREENSHOT);
    await canvas.setContent(
      `<!doctype html><html><body style="margin:0;overflow:hidden"><img alt="" style="display:block;width:${MARKETPLACE_SCREENSHOT.width}px;height:${MARKETPLACE_SCREENSHOT.height}px;object-fit:cover;object-position:left top" src="data:image/png;base64,${shot.toString('base64')}"></body></html>`,
    );
    await canvas.waitForFunction('document.images[0] && document.images[0].complete');
    mkdirSync(MARKETPLACE_SCREENSHOTS_DIR, { recursive: true });
    await canvas.screenshot({ path: join(MARKETPLACE_SCREENSHOTS_DIR, `screenshot-${index}.png`) });
  } finally {
    await canvas.close();
  }
}

/** Chromium headless with a fresh --user-data-dir (playwright passes it for a persistent context). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'pisms-e2e-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    page,
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true; fails with `what` and the last error after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function playground(page: Page) {
  let shots = 0;
  const self = {
    page,
    async open(url: string) {
      await page.goto(url);
      await page.getByLabel('Acting as').waitFor();
    },
    /** Full-page screenshot, numbered in the order taken: test-artifacts/e2e/<file>-NN-<name>.png */
    async screenshot(prefix: string, name: string) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      shots += 1;
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${prefix}-${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
    },
    async actAs(userId: number) {
      await page.getByLabel('Acting as').selectOption(String(userId));
    },
    /** The playground's "Reload app": the current location again, with a fresh signed page load. */
    async reloadApp() {
      await page.getByRole('button', { name: 'Reload app' }).click();
    },
    async showAdminScreen() {
      await page.getByRole('button', { name: 'Admin screen (nav bar)' }).click();
    },
    async openTicket(ticketId: number) {
      await page.getByRole('button', { name: 'Ticket', exact: true }).click();
      await page.getByLabel('Open ticket').selectOption(String(ticketId));
    },
    /** The nav_bar location (the real app) in its iframe. */
    navBar: (): FrameLocator => page.frameLocator('iframe[data-location="nav_bar"]'),
    /** The ticket_sidebar location (the real app) in its iframe. */
    sidebar: (): FrameLocator => page.frameLocator('iframe[data-location="ticket_sidebar"]'),
    /** The SMS in the sandbox phone, oldest first. */
    outbox: (): Locator => page.getByRole('list', { name: 'SMS outbox' }).getByRole('listitem'),
    async outboxCount() {
      return self.outbox().count();
    },
    async ticketStatus() {
      return (await page.getByRole('article', { name: 'Ticket' }).locator('dd.status').textContent())?.trim() ?? '';
    },
    /** Clicks the sidebar's own Refresh button until `locator` shows up (the sidebar refreshes itself slowly). */
    async refreshSidebarUntil(locator: Locator, what: string, timeoutMs = 30_000) {
      const refresh = self.sidebar().getByRole('button', { name: 'Refresh', exact: true });
      await waitUntil(
        async () => {
          if (await locator.isVisible()) return true;
          if (await refresh.isVisible()) await refresh.click();
          await locator.waitFor({ state: 'visible', timeout: 1500 }).catch(() => undefined);
          return locator.isVisible();
        },
        what,
        timeoutMs,
      );
    },
  };
  return self;
}

export type Playground = ReturnType<typeof playground>;
