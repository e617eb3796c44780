import { expect, test } from './support/fixtures';
import { rita } from './support/seed';
import { projectCount, settled } from './support/ui';

test('keyboard only: g p, / to search, ? for help, Esc to close, Tab and Enter to open a project', async ({ page }) => {
  await page.goto('/');
  await settled(page, 'Dashboard');

  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(page).toHaveURL(/\/projects$/);
  await settled(page, 'Projects');
  await expect(projectCount(page, rita.projects)).toBeVisible();

  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search projects' });
  await expect(search).toBeFocused();
  // A pause while typing lands the search in the URL; the box keeps the focus, so typing goes on.
  await page.keyboard.type('bea');
  await expect(page).toHaveURL(/q=bea(&|$)/);
  await expect(search).toBeFocused();
  await page.keyboard.type('con');
  await expect(page).toHaveURL(/q=beacon(&|$)/);
  await expect(projectCount(page, 1)).toBeVisible();
  await expect(search).toBeFocused();
  // Esc leaves the box and clears the search.
  await page.keyboard.press('Escape');
  await expect(search).not.toBeFocused();
  await expect(projectCount(page, rita.projects)).toBeVisible();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Go to projects');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Tab from the search box to the first project in the table, then open it.
  await search.focus();
  const target = page.getByRole('link', { name: 'Aurora billing revamp', exact: true });
  for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(target).toBeFocused();
  // The focused link shows a focus ring.
  expect(await target.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
  await page.keyboard.press('Enter');
  await settled(page, 'Aurora billing revamp');
  await expect(page.getByRole('main')).toBeFocused();

  await page.keyboard.press('g');
  await page.keyboard.press('d');
  await settled(page, 'Dashboard');
});
