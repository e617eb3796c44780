import { expect, test } from './support/fixtures';
import { settled } from './support/ui';

test('dark mode chosen with the toggle persists across a reload', async ({ page, shot }) => {
  await page.goto('/');
  await settled(page, 'Dashboard');
  const html = page.locator('html');
  await expect(html).toHaveClass(/\blight\b/);
  const toggle = page.getByRole('button', { name: /theme\. Switch to/ });
  await expect(toggle).toHaveAccessibleName('System theme. Switch to light theme');
  await toggle.click();
  await expect(toggle).toHaveAccessibleName('Light theme. Switch to dark theme');
  await toggle.click();
  await expect(toggle).toHaveAccessibleName('Dark theme. Switch to system theme');
  await expect(html).toHaveClass(/\bdark\b/);
  const background = await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor);

  await page.reload();
  await settled(page, 'Dashboard');
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole('button', { name: 'Dark theme. Switch to system theme' })).toBeVisible();
  expect(await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(background);
  await shot(page, 'dashboard-dark-toggle');

  // And back to following the system (light here).
  await page.getByRole('button', { name: 'Dark theme. Switch to system theme' }).click();
  await expect(html).toHaveClass(/\blight\b/);
});
