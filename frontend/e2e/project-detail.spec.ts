import { projectId, trashedProjectId } from './support/api';
import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { eddie, rita } from './support/seed';
import { panel, settled } from './support/ui';

test('a project page shows its overview, milestones, team with allocation and activity', async ({ page, api, shot }) => {
  const { title, milestones, progress } = rita.withMilestones;
  const id = await projectId(api, title);
  await page.goto('/projects');
  await page.getByRole('link', { name: title, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  await settled(page, title);
  await expect(page).toHaveTitle(new RegExp(title));
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(`Projects / ${title}`);
  await expect(page.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', String(progress));

  const milestonePanel = panel(page, 'Milestones');
  for (const name of milestones) await expect(milestonePanel.getByText(name, { exact: true })).toBeVisible();
  await expect(milestonePanel.getByRole('progressbar', { name: 'Progress of Build' })).toHaveAttribute('aria-valuenow', '50');

  const team = panel(page, 'Team');
  const tess = team.getByRole('listitem').filter({ hasText: 'Tess Teammate' });
  await expect(tess).toContainText('Manager');
  await expect(tess).toContainText('60% here · 110% across open projects · over-allocated');

  await expect(panel(page, 'Activity').getByRole('listitem').first()).toBeVisible();
  await expect(panel(page, 'Activity')).toContainText('added milestone');
  await expect(page.getByRole('group', { name: 'Lifecycle' }).getByRole('button')).toHaveText(['Put on hold', 'Complete', 'Cancel project']);
  await shot(page, 'project-detail');
});

test('a deleted project is "not found", with a way back', async ({ page, api, guard }) => {
  // The API answers 404 for a project that is deleted, does not exist or may not be seen, and so
  // do the project's milestones, team and activity, which the page asks for at the same time.
  const hidden = await trashedProjectId(api, rita.trashed);
  guard.allowHttp(404, new RegExp(`/api/v1/projects/${hidden}/`));
  await page.goto(`/projects/${hidden}`);
  await expect(page.getByRole('heading', { name: 'Project not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to projects' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
});

test.describe('as the owner of the project', () => {
  test.use({ storageState: authFile('eddie') });

  test('a lifecycle transition changes the status, the buttons and the history, and survives a reload', async ({ page, api }) => {
    const id = await projectId(api, eddie.toStart);
    await page.goto(`/projects/${id}`);
    await settled(page, eddie.toStart);
    const lifecycle = page.getByRole('group', { name: 'Lifecycle' });
    await expect(lifecycle.getByRole('button')).toHaveText(['Start', 'Cancel project']);

    await lifecycle.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByText('Now active')).toBeVisible();
    await expect(lifecycle.getByRole('button')).toHaveText(['Put on hold', 'Complete', 'Cancel project']);
    const history = panel(page, 'Activity');
    await expect(history.getByRole('listitem').first()).toContainText('Eddie Editor');
    await expect(history.getByRole('listitem').first()).toContainText('started the project');
    await expect(history.getByRole('listitem').first()).toContainText(/Status: Planning →.*Active/);

    await page.reload();
    await settled(page, eddie.toStart);
    await expect(lifecycle.getByRole('button')).toHaveText(['Put on hold', 'Complete', 'Cancel project']);
    const response = await api.get(`/api/v1/projects/${id}/`);
    expect(((await response.json()) as { status: string }).status).toBe('active');
  });
});
