import { deleteProject, projectId } from './support/api';
import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { eddie, rita } from './support/seed';
import { projectCount, settled } from './support/ui';

test('the trash lists deleted projects with who deleted them and the days left', async ({ page, shot }) => {
  await page.goto('/trash');
  await settled(page, 'Trash');
  const list = page.getByRole('list', { name: 'Deleted projects' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText(rita.trashed);
  await expect(list.getByRole('listitem')).toContainText('Deleted by Rita Reader');
  await expect(list.getByRole('listitem')).toContainText(/30 days left|29 days left/);
  await shot(page, 'trash');
});

test.describe('as the owner', () => {
  test.use({ storageState: authFile('eddie') });

  test('a project deleted through the API is restored from the trash', async ({ page, api }) => {
    await page.goto('/trash');
    await expect(page.getByText('Trash is empty')).toBeVisible();

    const id = await projectId(api, eddie.toDelete);
    await deleteProject(api, id);
    await page.goto('/projects');
    await expect(projectCount(page, 2)).toBeVisible();
    await expect(page.getByRole('link', { name: eddie.toDelete })).toHaveCount(0);

    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Trash' }).click();
    const row = page.getByRole('list', { name: 'Deleted projects' }).getByRole('listitem').filter({ hasText: eddie.toDelete });
    await expect(row).toContainText('Deleted by Eddie Editor');
    await row.getByRole('button', { name: `Restore ${eddie.toDelete}` }).click();

    await expect(page.getByText(`Restored “${eddie.toDelete}”`)).toBeVisible();
    await expect(page.getByText('Trash is empty')).toBeVisible();
    // The restored row took the focused button with it: focus is on the heading, not lost.
    await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeFocused();

    await page.getByRole('button', { name: 'Open project' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
    await settled(page, eddie.toDelete);
    await expect(page.getByRole('group', { name: 'Lifecycle' })).toBeVisible();
  });
});
