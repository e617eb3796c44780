import { expect, test } from './support/fixtures';
import { rita } from './support/seed';
import { panel, projectCount, settled, tableTitles } from './support/ui';

test('the dashboard shows the seeded portfolio: tiles, distributions, the progress chart and the lists', async ({ page, shot }) => {
  await page.goto('/');
  await settled(page, 'Dashboard');
  const d = rita.dashboard;

  await expect(page.getByRole('link', { name: `Open ${d.open}`, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: `Overdue ${d.overdue}`, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: `Average progress ${d.averageProgress}`, exact: true })).toBeVisible();
  // "At risk" and "Off track" each read the same in the tile and in the health legend.
  await expect(page.getByRole('link', { name: `At risk ${d.atRisk}`, exact: true })).toHaveCount(2);
  await expect(page.getByRole('link', { name: `Off track ${d.offTrack}`, exact: true })).toHaveCount(2);

  const byStatus = page.getByRole('region', { name: 'By status' });
  for (const [label, count] of Object.entries(rita.byStatus)) {
    await expect(byStatus.getByRole('link', { name: `${label} ${count}`, exact: true })).toBeVisible();
  }
  const byHealth = page.getByRole('region', { name: 'Health of open projects' });
  for (const [label, count] of Object.entries(rita.byHealth)) {
    await expect(byHealth.getByRole('link', { name: `${label} ${count}`, exact: true })).toBeVisible();
  }

  const progress = page.getByRole('region', { name: 'Progress of open projects' });
  for (const [label, count] of Object.entries(rita.progressBands)) {
    await expect(progress.getByRole('link', { name: `${label} ${count}`, exact: true })).toBeVisible();
  }
  // The chart is drawn (a lazy chunk): one bar per band with projects in it.
  const chart = progress.locator('svg.recharts-surface');
  await expect(chart).toBeVisible();
  const nonEmptyBands = Object.values(rita.progressBands).filter((c) => c !== '0').length;
  await expect(chart.locator('.recharts-bar-rectangle path')).toHaveCount(nonEmptyBands);

  const attention = panel(page, 'Needs attention');
  await expect(attention.getByRole('link')).toHaveText(['Ember checkout flow', 'Falcon infrastructure upgrade', 'Cobalt data pipeline', 'Delta search tuning']);
  const overAllocated = panel(page, 'Over-allocated people');
  await expect(overAllocated.getByRole('listitem')).toHaveCount(1);
  await expect(overAllocated.getByRole('listitem')).toContainText(rita.overAllocated.name);
  await expect(overAllocated.getByRole('listitem')).toContainText(rita.overAllocated.detail);
  await expect(panel(page, 'Recent activity').getByRole('listitem').first()).toBeVisible();
  await shot(page, 'dashboard');
});

test('a tile drills into the project list with the filters its number counts', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: `Overdue ${rita.dashboard.overdue}`, exact: true }).click();
  await expect(page).toHaveURL(/\/projects\?overdue=true$/);
  await expect(projectCount(page, 1)).toBeVisible();
  expect(await tableTitles(page)).toEqual(['Ember checkout flow']);
  await expect(page.getByRole('button', { name: 'Overdue', pressed: true })).toBeVisible();
});
