/**
 * Two sessions of the same editor (Wendy, whose projects nobody else sees) on one project, against the real server: a
 * save over a change made in the other is merged field by field, never a silent overwrite.
 */
import type { APIRequestContext, Browser, Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { settled } from './support/ui';

test.use({ storageState: authFile('wendy') });

type ProjectBody = { id: number; title: string; description: string; due_date: string | null };

async function makeProject(api: APIRequestContext, title: string): Promise<number> {
  const response = await api.post('/api/v1/projects/', { data: { title, description: 'Where we started.', start_date: '2027-01-04', due_date: '2027-03-31' } });
  expect(response.status()).toBe(201);
  return ((await response.json()) as ProjectBody).id;
}

async function readProject(api: APIRequestContext, id: number): Promise<ProjectBody> {
  const response = await api.get(`/api/v1/projects/${id}/`);
  expect(response.status()).toBe(200);
  return (await response.json()) as ProjectBody;
}

/** A second, separate browser session signed in as the same editor. */
async function secondSession(browser: Browser, baseURL: string | undefined, watch: (p: Page) => void): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: authFile('wendy') });
  const page = await context.newPage();
  watch(page);
  return page;
}

async function openEdit(page: Page, id: number, title: string) {
  await page.goto(`/projects/${id}/edit`);
  const form = page.getByRole('form', { name: `Edit ${title}` });
  await expect(form.getByLabel('Title')).toHaveValue(title);
  return form;
}

test('the same field saved in both sessions opens the merge dialog in the second; the merged value is what both see', async ({ page, api, guard, browser, baseURL, shot }) => {
  const title = `E2E merge ${Date.now()}`;
  const id = await makeProject(api, title);
  const other = await secondSession(browser, baseURL, guard.watch);
  const mine = await openEdit(page, id, title);
  const theirs = await openEdit(other, id, title);

  await theirs.getByLabel('Description').fill('Their words.');
  await theirs.getByRole('button', { name: 'Save changes' }).click();
  await expect(other).toHaveURL(new RegExp(`/projects/${id}$`));

  // The open form is not reset by their save; the field says what they saved.
  await expect(mine.getByText('Changed by someone else: Their words.')).toBeVisible();
  await expect(mine.getByLabel('Description')).toHaveValue('Where we started.');

  guard.allowHttp(412, new RegExp(`/api/v1/projects/${id}/$`));
  await mine.getByLabel('Description').fill('My words.');
  await mine.getByLabel('Due date').fill('2027-04-30');
  await mine.getByRole('button', { name: 'Save changes' }).click();
  // The same editor saved in the other session: the 412 names them, so the dialog says You.
  const dialog = page.getByRole('dialog', { name: 'You saved changes meanwhile' });
  await expect(dialog).toBeVisible();
  const description = dialog.getByRole('group', { name: 'Description' });
  await expect(description.getByRole('radio', { name: 'Theirs: Their words.' })).toBeFocused();
  await expect(description.getByRole('radio', { name: 'Mine: My words.' })).toBeVisible();
  await expect(dialog.getByText('Merged automatically: Due date')).toBeVisible();
  await shot(page, 'merge-dialog');
  // Nothing of theirs was overwritten while the dialog asks.
  expect((await readProject(api, id)).description).toBe('Their words.');

  await description.getByRole('radio', { name: 'Edit: type a value of your own' }).check();
  await dialog.getByLabel('Description, your value').fill('Their words, and mine.');
  await dialog.getByRole('button', { name: 'Save merged' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  await settled(page, title);
  expect(await readProject(api, id)).toMatchObject({ description: 'Their words, and mine.', due_date: '2027-04-30' });
  await expect(page.getByText('Their words, and mine.', { exact: true })).toBeVisible();
  await other.reload();
  await settled(other, title);
  await expect(other.getByText('Their words, and mine.', { exact: true })).toBeVisible();
  await other.context().close();
});

test('different fields saved in both sessions merge without a dialog', async ({ page, api, guard, browser, baseURL }) => {
  const title = `E2E quiet merge ${Date.now()}`;
  const id = await makeProject(api, title);
  const other = await secondSession(browser, baseURL, guard.watch);
  const mine = await openEdit(page, id, title);
  const theirs = await openEdit(other, id, title);

  await theirs.getByLabel('Due date').fill('2027-05-31');
  await theirs.getByRole('button', { name: 'Save changes' }).click();
  await expect(other).toHaveURL(new RegExp(`/projects/${id}$`));

  guard.allowHttp(412, new RegExp(`/api/v1/projects/${id}/$`));
  await mine.getByLabel('Description').fill('Mine, beside their date.');
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  await expect(page.getByText('Project saved, merged with what someone else saved meanwhile')).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await readProject(api, id)).toMatchObject({ description: 'Mine, beside their date.', due_date: '2027-05-31' });
  await other.context().close();
});

test('progress saved over someone else’s progress asks in the merge dialog, from the project page', async ({ page, api, guard }) => {
  const title = `E2E progress merge ${Date.now()}`;
  const id = await makeProject(api, title);
  await page.goto(`/projects/${id}`);
  await settled(page, title);
  await expect(page.getByTestId('live-status').first()).toHaveAttribute('data-status', 'live');
  await page.getByRole('button', { name: 'Edit progress' }).click();
  const input = page.getByLabel('Progress (%)');
  await input.fill('70');

  // Another session sets the progress meanwhile: the open field is marked, not reset.
  const current = await api.get(`/api/v1/projects/${id}/`);
  const theirs = await api.patch(`/api/v1/projects/${id}/`, { headers: { 'If-Match': current.headers()['etag'] ?? '' }, data: { progress: 55 } });
  expect(theirs.status()).toBe(200);
  await expect(page.getByText('Changed by someone else: 55%')).toBeVisible();
  await expect(input).toHaveValue('70');

  guard.allowHttp(412, new RegExp(`/api/v1/projects/${id}/$`));
  await input.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'You saved changes meanwhile' });
  await expect(dialog.getByRole('radio', { name: 'Theirs: 55%' })).toBeVisible();
  expect(((await (await api.get(`/api/v1/projects/${id}/`)).json()) as { progress: number }).progress).toBe(55);
  await dialog.getByRole('radio', { name: 'Mine: 70%' }).check();
  await dialog.getByRole('button', { name: 'Save merged' }).click();
  await expect(page.getByText('Progress set to 70%')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', '70');
  expect(((await (await api.get(`/api/v1/projects/${id}/`)).json()) as { progress: number }).progress).toBe(70);
});
