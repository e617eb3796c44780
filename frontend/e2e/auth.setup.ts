/** Signs each seeded user in once; the specs reuse the saved state (tokens in localStorage). */
import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { PASSWORD, users, type SeedUser } from './support/seed';

for (const user of Object.keys(users) as SeedUser[]) {
  test(`sign in as ${user}`, async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Username or email').fill(users[user].username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: users[user].name })).toBeVisible();
    await page.context().storageState({ path: authFile(user) });
  });
}
