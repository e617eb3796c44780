import { expect, test } from './support/fixtures';
import { rita } from './support/seed';
import { projectCount, settled, tableTitles } from './support/ui';


test('filters live in the URL: reload keeps the view, back and forward walk it', async ({ page, shot }) => {
  await page.goto('/projects');
  await settled(page, 'Projects');
  await expect(projectCount(page, rita.projects)).toBeVisible();
  expect(await tableTitles(page)).toHaveLength(rita.projects);
  expect(await tableTitles(page)).not.toContain(rita.invisible);
  await shot(page, 'projects');

  const filters = page.getByRole('region', { name: 'Filters' });
  await filters.getByRole('button', { name: 'Active', exact: true }).click();
  await expect(page).toHaveURL(/[?&]status=active(&|$)/);
  await expect(projectCount(page, rita.active.length)).toBeVisible();
  expect((await tableTitles(page)).sort()).toEqual([...rita.active].sort());

  await filters.getByRole('button', { name: 'At risk', exact: true }).click();
  await expect(page).toHaveURL(/status=active&health=at_risk$/);
  await expect(projectCount(page, rita.activeAtRisk.length)).toBeVisible();
  expect((await tableTitles(page)).sort()).toEqual([...rita.activeAtRisk].sort());

  await page.reload();
  await expect(projectCount(page, rita.activeAtRisk.length)).toBeVisible();
  await expect(filters.getByRole('button', { name: 'Active', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(filters.getByRole('button', { name: 'At risk', exact: true })).toHaveAttribute('aria-pressed', 'true');
  expect((await tableTitles(page)).sort()).toEqual([...rita.activeAtRisk].sort());

  await page.goBack();
  await expect(projectCount(page, rita.active.length)).toBeVisible();
  await expect(filters.getByRole('button', { name: 'At risk', exact: true })).toHaveAttribute('aria-pressed', 'false');
  await page.goBack();
  await expect(projectCount(page, rita.projects)).toBeVisible();
  await expect(filters.getByRole('button', { name: 'Active', exact: true })).toHaveAttribute('aria-pressed', 'false');
  await page.goForward();
  await expect(projectCount(page, rita.active.length)).toBeVisible();
  await expect(page).toHaveURL(/\/projects\?status=active$/);

  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(projectCount(page, rita.projects)).toBeVisible();
});

test('full-text search narrows the list, is kept in the URL, and says when nothing matches', async ({ page }) => {
  await page.goto('/projects');
  const search = page.getByRole('searchbox', { name: 'Search projects' });
  await search.fill('aurora');
  await expect(page).toHaveURL(/[?&]q=aurora(&|$)/);
  await expect(projectCount(page, 1)).toBeVisible();
  expect(await tableTitles(page)).toEqual(['Aurora billing revamp']);

  await page.reload();
  await expect(search).toHaveValue('aurora');
  await expect(projectCount(page, 1)).toBeVisible();

  // Someone else's project is not found by its own title.
  await search.fill('zephyr');
  await expect(page.getByText('No project matches these filters')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
});

test('sorting by a column header orders the rows and marks the column', async ({ page }) => {
  await page.goto('/projects');
  await expect(projectCount(page, rita.projects)).toBeVisible();
  const header = page.getByRole('columnheader', { name: 'Project' });
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(page).toHaveURL(/ordering=title$/);
  // The old rows stay on screen until the sorted page arrives.
  await expect.poll(async () => (await tableTitles(page))[0]).toBe('Aurora billing revamp');
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/ordering=-title$/);
  await expect.poll(async () => (await tableTitles(page))[0]).toBe('Lumen support chatbot');
});
