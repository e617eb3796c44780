import { expect, test } from './support/fixtures';
import { PASSWORD, rita } from './support/seed';

test.use({ storageState: { cookies: [], origins: [] } });

test('signing in: a field error first, then a wrong password, then the dashboard', async ({ page, guard, shot }) => {
  guard.allowHttp(401, /\/api\/v1\/auth\/token\/$/); // the wrong password

  await page.goto('/projects');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Pulse' })).toBeVisible();
  await shot(page, 'login');

  await page.getByRole('button', { name: 'Sign in' }).click();
  const username = page.getByLabel('Username or email');
  await expect(username).toHaveAccessibleDescription(/Enter your username or email\./);
  await expect(username).toHaveAttribute('aria-invalid', 'true');
  await expect(username).toBeFocused();

  await username.fill('rita');
  await page.getByLabel('Password').fill('not-her-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(/Wrong username\/email or password/);
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back where the visitor was going before the sign-in page.
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByText(`${rita.projects} projects`)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Rita Reader' })).toBeVisible();
});
