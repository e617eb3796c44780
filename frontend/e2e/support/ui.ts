/** Locators and steps the specs share; role and label based, like a person would find things. */
import { expect, type Locator, type Page } from '@playwright/test';

/** A titled Panel (dashboard, project page): the section holding that heading. */
export const panel = (page: Page, title: string): Locator =>
  page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

/** The "N projects" line under the Projects heading. */
export const projectCount = (page: Page, n: number): Locator => page.getByText(`${n} ${n === 1 ? 'project' : 'projects'}`, { exact: true });

/** Titles in the project table, in order. */
export async function tableTitles(page: Page): Promise<string[]> {
  const table = page.getByRole('table');
  await expect(table).toBeVisible();
  // Each row links its title to the project; the selection checkbox sits in the column before it.
  return table.locator('tbody a[href^="/projects/"]').allTextContents();
}

/** Waits until a page has its heading and nothing is still loading. */
export async function settled(page: Page, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /Loading/ })).toHaveCount(0);
  // Skeletons are hidden from assistive technology; their class is the only sign of them.
  await expect(page.locator('.animate-pulse')).toHaveCount(0);
}
