import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { settled } from './support/ui';

test.use({ storageState: authFile('eddie') });

test('profile: a client check, a server field error, then a saved change that survives a reload', async ({ page, guard, shot }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Eddie Editor' }).click();
  await settled(page, 'Profile');
  await shot(page, 'profile');
  const details = page.getByRole('form', { name: 'Profile details' });
  const save = details.getByRole('button', { name: 'Save profile' });
  await expect(save).toBeDisabled();

  const email = details.getByLabel('Email');
  await email.fill('not-an-address');
  await save.click();
  await expect(email).toHaveAccessibleDescription('Enter a valid email address.');
  await email.fill('eddie@pulse.example');

  // The server checks the current password: its error lands on that field.
  guard.allowHttp(400, /\/api\/v1\/auth\/me\/$/);
  const password = page.getByRole('form', { name: 'Change password' });
  await password.getByLabel('Current password').fill('not-the-password');
  await password.getByLabel('New password', { exact: true }).fill('a-much-longer-passphrase-2026');
  await password.getByLabel('Confirm new password').fill('a-much-longer-passphrase-2026');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expect(password.getByLabel('Current password')).toHaveAccessibleDescription(/./);

  await details.getByLabel('First name').fill('Edward');
  await save.click();
  await expect(page.getByText('Profile saved')).toBeVisible();
  await expect(save).toBeDisabled();
  await page.reload();
  await expect(page.getByRole('form', { name: 'Profile details' }).getByLabel('First name')).toHaveValue('Edward');
});
