/**
 * Every page, once each: axe-core finds no violation (colour contrast included) in the light and in
 * the dark theme, and the page fits a 375 px phone screen without sideways scrolling. A screenshot
 * of each state goes to e2e/artifacts/screens/. One visit per page keeps the run short.
 */
import type { Page } from '@playwright/test';

import { expect, expectNoAxeViolations, test } from './support/fixtures';
import { signedInPages, signInPage, type SpaPage } from './support/pages';
import { rita } from './support/seed';
import { settled } from './support/ui';

async function expectNoSidewaysScroll(page: Page, label: string) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(widths.page, `${label} is wider than the screen`).toBeLessThanOrEqual(widths.viewport);
}

async function everyCheck(page: Page, spa: SpaPage, shot: (page: Page, name: string) => Promise<void>) {
  const html = page.locator('html');
  await test.step('light theme', async () => {
    await expect(html).toHaveClass(/\blight\b/);
    await expectNoAxeViolations(page, `${spa.name} (light)`);
    await shot(page, `${spa.name}-light`);
  });
  await test.step('dark theme', async () => {
    // The app follows the system theme until one is picked.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(html).toHaveClass(/\bdark\b/);
    await expectNoAxeViolations(page, `${spa.name} (dark)`);
    await shot(page, `${spa.name}-dark`);
  });
  await test.step('375 px phone', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 375, height: 812 });
    await settled(page, spa.heading);
    await expectNoSidewaysScroll(page, spa.name);
    await shot(page, `${spa.name}-phone`);
  });
}

for (const spa of signedInPages) {
  test(`${spa.name}: no axe violations in light and dark, fits a phone`, async ({ page, api, shot }) => {
    await page.goto(await spa.path(api));
    await settled(page, spa.heading);
    await everyCheck(page, spa, shot);
  });
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  test(`${signInPage.name}: no axe violations in light and dark, fits a phone`, async ({ page, api, shot }) => {
    await page.goto(await signInPage.path(api));
    await settled(page, signInPage.heading);
    await everyCheck(page, signInPage, shot);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

  test('the menu opens the navigation and closes on the way to the next page', async ({ page }) => {
    await page.goto('/');
    await settled(page, 'Dashboard');
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await expect(nav).toBeHidden();
    const menu = page.getByRole('button', { name: /^Menu/ });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    // Closed, the menu button carries the unread badge and says so (no space before the comma).
    await expect(menu).toHaveAccessibleName(`Menu, ${rita.unread} unread notifications`);
    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(menu).toHaveAccessibleName('Menu');
    await nav.getByRole('link', { name: 'Trash' }).click();
    await settled(page, 'Trash');
    await expect(nav).toBeHidden();
    await expectNoSidewaysScroll(page, 'trash');
  });
});
