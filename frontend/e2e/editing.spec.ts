/**
 * Writing through the web app against the real server: the project form (create, edit, a conflict),
 * milestones and the team. Wendy makes her own projects, which nobody else sees, and adds Nina, who is
 * on no other project: the seeded numbers other tests assert stay as they are.
 */
import type { APIRequestContext, Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { nina, users } from './support/seed';
import { panel, settled } from './support/ui';

test.use({ storageState: authFile('wendy') });

type ProjectBody = { id: number; title: string; description: string; due_date: string | null; progress: number; owner: { name: string } };

async function readProject(api: APIRequestContext, id: number): Promise<{ body: ProjectBody; etag: string }> {
  const response = await api.get(`/api/v1/projects/${id}/`);
  expect(response.status()).toBe(200);
  return { body: (await response.json()) as ProjectBody, etag: response.headers()['etag'] ?? '' };
}

/** Fills the New project form and creates it; returns the new project's id (from the page's URL). */
async function createThroughForm(page: Page, title: string): Promise<number> {
  await page.goto('/projects/new');
  const form = page.getByRole('form', { name: 'New project' });
  await expect(form.getByLabel('Title')).toBeFocused();
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill('Made in the browser tests.\nSecond line.');
  await form.getByLabel('Start date').fill('2027-01-04');
  await form.getByLabel('Due date').fill('2027-03-31');
  await form.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/projects\/\d+$/);
  await settled(page, title);
  return Number(/\/projects\/(\d+)$/.exec(page.url())?.[1]);
}

test('a project made with the form, then edited with If-Match: the changes stick', async ({ page, api, shot }) => {
  const title = `E2E form ${Date.now()}`;
  // A title with nothing but spaces is refused on the field, before any request.
  await page.goto('/projects/new');
  const form = page.getByRole('form', { name: 'New project' });
  await form.getByLabel('Title').fill('   ');
  await form.getByRole('button', { name: 'Create project' }).click();
  await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/projects\/new$/);

  const id = await createThroughForm(page, title);
  await expect(page.getByText(`Project “${title}” created`)).toBeVisible();
  const created = await readProject(api, id);
  expect(created.body).toMatchObject({ title, description: 'Made in the browser tests.\nSecond line.', due_date: '2027-03-31', owner: { name: users.wendy.name } });

  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}/edit$`));
  const edit = page.getByRole('form', { name: `Edit ${title}` });
  await expect(edit.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await edit.getByLabel('Due date').fill('2027-04-30');
  await edit.getByLabel('Progress (%)').fill('40');
  await shot(page, 'project-edit-filled');
  const patched = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/projects/${id}/`));
  await edit.getByRole('button', { name: 'Save changes' }).click();
  const request = await patched;
  // (Which fields the PATCH carries is the component tests' business: Chromium does not expose the
  // body of a fetch made from a Request object.)
  expect(request.headers()['if-match']).toBe(created.etag);
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  await expect(page.getByText('Project saved')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', '40');

  await page.reload();
  await settled(page, title);
  expect((await readProject(api, id)).body).toMatchObject({ due_date: '2027-04-30', progress: 40 });
});

test('an edit over a change made elsewhere opens the merge dialog; what is chosen there is saved', async ({ page, api, guard }) => {
  const title = `E2E conflict ${Date.now()}`;
  const id = await createThroughForm(page, title);
  await page.goto(`/projects/${id}/edit`);
  const edit = page.getByRole('form', { name: `Edit ${title}` });
  await expect(edit.getByLabel('Title')).toHaveValue(title);

  // Someone else (here: the same person, in another session) saves a new description while this form is open.
  const before = await readProject(api, id);
  const theirs = await api.patch(`/api/v1/projects/${id}/`, { data: { description: 'Their words.' }, headers: { 'If-Match': before.etag } });
  expect(theirs.status()).toBe(200);

  guard.allowHttp(412, new RegExp(`/api/v1/projects/${id}/$`));
  await edit.getByLabel('Description').fill('My words.');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'You saved changes meanwhile' });
  await expect(dialog.getByRole('radio', { name: 'Theirs: Their words.' })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}/edit$`));
  expect((await readProject(api, id)).body.description).toBe('Their words.');

  // Esc goes back to the form with what was typed; saving asks again.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(edit.getByLabel('Description')).toHaveValue('My words.');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByRole('radio', { name: 'Mine: My words.' }).check();
  await dialog.getByRole('button', { name: 'Save merged' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  expect((await readProject(api, id)).body.description).toBe('My words.');
});

test('milestones are added and completed in place; the team gains someone found by their whole email, over-allocated and warned of it', async ({ page, api, shot }) => {
  const title = `E2E plan ${Date.now()}`;
  const id = await createThroughForm(page, title);

  const milestones = panel(page, 'Milestones');
  await milestones.getByRole('button', { name: 'Add milestone' }).click();
  const add = milestones.getByRole('form');
  await add.getByLabel('Title').fill('Prototype');
  await add.getByLabel('Due date').fill('2027-02-15');
  await add.getByRole('button', { name: 'Add milestone' }).click();
  await expect(milestones.getByText('Prototype', { exact: true })).toBeVisible();
  await milestones.getByRole('button', { name: 'Complete Prototype' }).click();
  await expect(page.getByText('“Prototype” is done')).toBeVisible();
  // With milestones the project's progress follows them: one milestone, done.
  await expect(page.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', '100');

  // Nina already gives 60 % to another of Wendy's open projects: 50 % more here is over-allocation.
  const elsewhere = await api.post('/api/v1/projects/', { data: { title: `${title} (elsewhere)` } });
  expect(elsewhere.status()).toBe(201);
  const found = await api.get('/api/v1/users/', { params: { q: nina.email } });
  const ninaId = ((await found.json()) as { results: { id: number }[] }).results[0]?.id;
  const booked = await api.post(`/api/v1/projects/${((await elsewhere.json()) as { id: number }).id}/members/`, { data: { user_id: ninaId, role: 'developer', allocation: 60 } });
  expect(booked.status()).toBe(201);

  const team = panel(page, 'Team');
  await team.getByRole('button', { name: 'Add member' }).click();
  const join = team.getByRole('form', { name: 'Add a member' });
  // A name matches only people Wendy shares a project with; a whole email address finds anyone.
  await join.getByRole('combobox', { name: 'Person' }).fill('Nobody by this name');
  await expect(join.getByRole('status').filter({ hasText: 'No one matches “Nobody by this name”' })).toBeAttached();
  await expect(join.getByRole('listbox', { name: 'Person' }).getByRole('option')).toHaveCount(0);
  await join.getByRole('combobox', { name: 'Person' }).fill(nina.email);
  await join.getByRole('listbox', { name: 'Person' }).getByRole('option', { name: new RegExp(nina.name) }).click();
  await join.getByLabel('Allocation (%)').fill('50');
  await expect(join.getByText(`Over-allocated: ${nina.name} would be at 110% across open projects you can see.`)).toBeVisible();
  await join.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByText(new RegExp(`Added ${nina.name} as`))).toBeVisible();
  await expect(team.getByRole('listitem').filter({ hasText: nina.name })).toContainText('50% here · 110% across open projects · over-allocated');
  await shot(page, 'project-detail-edited');

  const members = await api.get(`/api/v1/projects/${id}/members/`);
  expect(members.status()).toBe(200);
  const names = ((await members.json()) as { results: { user: { name: string }; allocation: number }[] }).results.map((m) => `${m.user.name} ${m.allocation}`);
  expect(names).toContain(`${nina.name} 50`);

  await expect(panel(page, 'Activity')).toContainText('added milestone “Prototype”');
});
