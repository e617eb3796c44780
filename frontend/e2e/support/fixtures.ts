/**
 * The `test` every spec imports. On top of Playwright's:
 * - `baseURL` is the stack global-setup started;
 * - `guard` (automatic) fails the test on console.error, an uncaught page error, a request that
 *   fails, or an HTTP response of 400 or more, unless the test declared it expected:
 *   `guard.allowHttp(404, /url/)` for a response (and the console line Chromium logs for it),
 *   `guard.allow(/text/)` for other console errors; pages a test opens itself are watched with
 *   `guard.watch(page)`;
 * - `api` calls the REST API as the test's signed-in user (for setting things up through the API);
 * - `shot(page, name)` saves a full-page screenshot under e2e/artifacts/screens/.
 */
import { readFileSync } from 'node:fs';

import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

import { screenshotPath } from './paths';

export { expect };

export type Guard = {
  allow: (pattern: RegExp) => void;
  allowHttp: (status: number, url: RegExp) => void;
  watch: (page: Page) => void;
};

type Fixtures = {
  guard: Guard;
  api: APIRequestContext;
  shot: (page: Page, name: string) => Promise<void>;
};

type StorageState = { origins: { localStorage: { name: string; value: string }[] }[] };

/** The access token stored by the SPA in a saved signed-in state. */
export function accessTokenFrom(file: string): string {
  const state = JSON.parse(readFileSync(file, 'utf8')) as StorageState;
  for (const origin of state.origins) {
    const item = origin.localStorage.find((entry) => entry.name === 'pulse-auth');
    if (item) return (JSON.parse(item.value) as { access: string }).access;
  }
  throw new Error(`no signed-in session in ${file}`);
}

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    const url = process.env.PULSE_E2E_BASE_URL;
    if (!url) throw new Error('PULSE_E2E_BASE_URL is not set: run the tests through playwright.config.ts (global setup).');
    await use(url);
  },

  guard: [
    async ({ page }, use) => {
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      const allowedHttp: { status: number; url: RegExp }[] = [];
      const expected = (text: string) => allowed.some((pattern) => pattern.test(text));
      const expectedHttp = (status: number, url: string) => allowedHttp.some((a) => a.status === status && a.url.test(url));
      const watch = (p: Page) => {
        p.on('console', (message) => {
          if (message.type() !== 'error') return;
          const url = message.location().url;
          const status = /status of (\d{3})/.exec(message.text());
          if (status && expectedHttp(Number(status[1]), url)) return;
          const text = `${message.text()} ${url}`;
          if (!expected(text)) problems.push(`console.error: ${text}`);
        });
        p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        p.on('requestfailed', (request) => {
          const reason = request.failure()?.errorText ?? 'failed';
          // A request the page itself cancelled (navigating away, a superseded query) did not fail.
          if (reason === 'net::ERR_ABORTED') return;
          const text = `${reason} ${request.method()} ${request.url()}`;
          if (!expected(text)) problems.push(`request failed: ${text}`);
        });
        p.on('response', (response) => {
          if (response.status() < 400 || expectedHttp(response.status(), response.url())) return;
          problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
        });
      };
      watch(page);
      await use({
        allow: (pattern) => allowed.push(pattern),
        allowHttp: (status, url) => allowedHttp.push({ status, url }),
        watch,
      });
      expect(problems, 'console errors, page errors or failed requests').toEqual([]);
    },
    { auto: true },
  ],

  api: async ({ playwright, baseURL, storageState }, use) => {
    // Signed out (no state file): anonymous calls.
    const headers: Record<string, string> = typeof storageState === 'string' ? { Authorization: `Bearer ${accessTokenFrom(storageState)}` } : {};
    const context = await playwright.request.newContext({ baseURL, extraHTTPHeaders: headers });
    await use(context);
    await context.dispose();
  },

  shot: async ({}, use) => {
    await use(async (page, name) => {
      await page.screenshot({ path: screenshotPath(name), fullPage: true, animations: 'disabled' });
    });
  },
});

/** axe-core over the whole page (every rule it runs by default, colour contrast included). */
export async function expectNoAxeViolations(page: Page, label: string) {
  // @axe-core/playwright types its page with the hoisted playwright-core (the card package's newer
  // one); at run time it only calls evaluate and frames, which this Page has.
  const results = await new AxeBuilder({ page: page as unknown as ConstructorParameters<typeof AxeBuilder>[0]['page'] }).analyze();
  const summary = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
  }));
  expect(summary, `axe violations on ${label}`).toEqual([]);
}
