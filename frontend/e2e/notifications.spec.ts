import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { eddie, rita } from './support/seed';
import { settled } from './support/ui';

const navLink = (page: import('@playwright/test').Page) => page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: /^Notifications/ });
// The badge's count is read as a phrase of its own after the link's text, with no space before the comma.
const unreadName = (n: number) => `Notifications, ${n} unread notifications`;

test('unread notifications are counted in the navigation and listed', async ({ page, shot }) => {
  await page.goto('/');
  await expect(navLink(page)).toHaveAccessibleName(unreadName(rita.unread));
  await navLink(page).click();
  await settled(page, 'Notifications');
  await expect(page.getByText(`${rita.unread} unread`, { exact: true })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Notifications' }).getByRole('listitem')).toHaveCount(2);
  await shot(page, 'notifications');
});

test.describe('the recipient', () => {
  test.use({ storageState: authFile('eddie') });

  test('reading a notification drops the badge count, and it stays read', async ({ page }) => {
    await page.goto('/notifications');
    await settled(page, 'Notifications');
    await expect(navLink(page)).toHaveAccessibleName(unreadName(eddie.unread));
    await expect(page.getByText(`${eddie.unread} unread`, { exact: true })).toBeVisible();

    const mark = page.getByRole('button', { name: `Mark “${eddie.notification}” as read` });
    await mark.click();
    await expect(mark).toHaveCount(0);
    await expect(page.getByText(`${eddie.unread - 1} unread`, { exact: true })).toBeVisible();
    await expect(navLink(page)).toHaveAccessibleName(unreadName(eddie.unread - 1));

    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Unread' }).click();
    await expect(page).toHaveURL(/\?show=unread$/);
    const unread = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
    await expect(unread).toHaveCount(eddie.unread - 1);
    await expect(unread.filter({ hasText: eddie.notification })).toHaveCount(0);

    await page.reload();
    await expect(unread).toHaveCount(eddie.unread - 1);
    await expect(navLink(page)).toHaveAccessibleName(unreadName(eddie.unread - 1));
  });
});
