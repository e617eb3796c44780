/**
 * Bulk edits in the project list against the real stack (issue 12 part 4): Bella selects all 240
 * of her projects matching the list, previews a due-date shift, applies it with live progress over
 * the websocket; Cole, a manager on one of them, changed that one between the preview and the run,
 * so the all-or-nothing run fails with one conflict naming him; the retry with the fresh versions
 * succeeds, and Undo puts every due date back; Redo shifts them again and its Undo puts them back.
 */
import type { APIRequestContext, Page } from '@playwright/test';

import { projectId } from './support/api';
import { expect, expectNoAxeViolations, test } from './support/fixtures';
import { authFile } from './support/paths';
import { PASSWORD, bella } from './support/seed';

test.use({ storageState: authFile('bella') });
// 240 projects through preview, two runs, an undo, a redo and an undo on a shared two-core machine (tasks
// run in the server process here, so a busy machine stretches each run).
test.setTimeout(240_000);

async function signedInApi(api: APIRequestContext, username: string): Promise<Record<string, string>> {
  const response = await api.post('/api/v1/auth/token/', { data: { username, password: PASSWORD } });
  expect(response.status()).toBe(200);
  const { access } = (await response.json()) as { access: string };
  return { Authorization: `Bearer ${access}` };
}

const daysFromToday = (days: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

async function dueDate(api: APIRequestContext, id: number): Promise<string> {
  const response = await api.get(`/api/v1/projects/${id}/`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { due_date: string }).due_date;
}

/** Every `bulk.progress` message the page's sockets receive. */
function progressFrames(page: Page): { operation_id: number; processed: number; total: number }[] {
  const frames: { operation_id: number; processed: number; total: number }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString();
      if (!text.includes('bulk.progress')) return;
      const message = JSON.parse(text) as { type: string; operation_id: number; processed: number; total: number };
      if (message.type === 'bulk.progress') frames.push(message);
    }),
  );
  return frames;
}

test('select all 240 matching, preview, apply live, a conflict, retry with fresh versions, undo, redo', async ({ page, browser, api, shot }) => {
  const shared = await projectId(api, bella.shared);
  const other = await projectId(api, bella.title(120));
  const due = await dueDate(api, other);
  expect(due).toBe(daysFromToday(30));
  const frames = progressFrames(page);

  await page.goto('/projects?page_size=50');
  await expect(page.getByTestId('live-status').first()).toHaveAttribute('data-status', 'live');
  await expect(page.getByText('240 projects')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Select this page' }).check();
  await expect(page.getByTestId('selection-count')).toHaveText('50 selected');
  await page.getByRole('button', { name: 'Select all 240 matching' }).click();
  await expect(page.getByTestId('selection-count')).toHaveText('240 selected');
  // The selection outlives paging.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Page 2 of 5')).toBeVisible();
  await expect(page.getByTestId('selection-count')).toHaveText('240 selected');
  await shot(page, 'bulk-1-selected');
  await expectNoAxeViolations(page, 'the project list with a selection');

  await page.getByRole('button', { name: 'Bulk edit…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk edit 240 projects' });
  await dialog.getByLabel('Action').selectOption('shift_due_date');
  await dialog.getByLabel('Days (negative moves earlier)').fill('7');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  const preview = dialog.getByTestId('bulk-preview');
  await expect(preview).toContainText('240 of 240 projects would change');
  await expect(preview.getByRole('list', { name: 'Changes per field' })).toContainText('Due date: 240');
  await expect(preview.getByRole('table', { name: 'Sample of changes' })).toContainText('Bulk project');
  await shot(page, 'bulk-2-preview');
  await expectNoAxeViolations(page, 'the bulk preview');
  // The preview wrote nothing.
  expect(await dueDate(api, other)).toBe(due);

  // Cole changes one of the selected projects after the preview.
  const coleContext = await browser.newContext({ storageState: undefined });
  const cole = coleContext.request;
  const coleAuth = await signedInApi(cole, 'cole');
  const current = await cole.get(`/api/v1/projects/${shared}/`, { headers: coleAuth });
  const patched = await cole.patch(`/api/v1/projects/${shared}/`, {
    headers: { ...coleAuth, 'If-Match': current.headers()['etag'] ?? '' },
    data: { description: 'Cole was here first.' },
  });
  expect(patched.status()).toBe(200);

  await dialog.getByRole('button', { name: 'Apply to 240 projects' }).click();
  const report = dialog.getByTestId('bulk-report');
  await expect(report).toContainText('Nothing changed: 1 of 240 projects could not be changed.', { timeout: 60_000 });
  const conflicts = report.getByRole('region', { name: 'Changed by someone since you read them' });
  await expect(conflicts).toContainText(bella.shared);
  await expect(conflicts).toContainText('Cole Colleague changed description');
  expect(frames.length, 'bulk.progress arrived over the websocket').toBeGreaterThan(0);
  await shot(page, 'bulk-3-conflict');
  expect(await dueDate(api, other)).toBe(due);

  const seenBefore = frames.length;
  await report.getByRole('button', { name: 'Retry with the fresh versions' }).click();
  await expect(dialog.getByText('Done: 240 projects changed.')).toBeVisible({ timeout: 60_000 });
  expect(frames.length).toBeGreaterThan(seenBefore);
  expect(frames.at(-1)).toMatchObject({ processed: 240, total: 240 });
  expect(await dueDate(api, other)).toBe(daysFromToday(37));
  expect(await dueDate(api, shared)).toBe(daysFromToday(37));
  await shot(page, 'bulk-4-done');

  await dialog.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText('Undone: 240 projects are back as they were.')).toBeVisible({ timeout: 60_000 });
  expect(await dueDate(api, other)).toBe(due);
  expect(await dueDate(api, shared)).toBe(due);
  // Cole's own change is not undone: only what the bulk edit changed.
  const after = await api.get(`/api/v1/projects/${shared}/`);
  expect(((await after.json()) as { description: string }).description).toBe('Cole was here first.');
  await shot(page, 'bulk-5-undone');

  // Redo (the undo's own undo) shifts them again; its Undo puts them back once more.
  await page.getByRole('dialog', { name: 'Undo the bulk edit' }).getByRole('button', { name: 'Redo' }).click();
  const redone = page.getByRole('dialog', { name: 'Redo the bulk edit' });
  await expect(redone.getByText('Redone: 240 projects changed again.')).toBeVisible({ timeout: 60_000 });
  expect(await dueDate(api, other)).toBe(daysFromToday(37));
  expect(await dueDate(api, shared)).toBe(daysFromToday(37));
  await redone.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText('Undone: 240 projects are back as they were.')).toBeVisible({ timeout: 60_000 });
  expect(await dueDate(api, other)).toBe(due);
  expect(await dueDate(api, shared)).toBe(due);
  // The dialog now speaks of the undo.
  await page.getByRole('dialog', { name: 'Undo the bulk edit' }).getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('selection-count')).toHaveCount(0);
  await coleContext.close();
});

test('phone width: the selection bar spans the bottom of the screen', async ({ page, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/projects');
  await page.getByRole('checkbox', { name: `Select ${bella.title(240)}` }).check();
  const bar = page.getByRole('region', { name: 'Selection' });
  await expect(bar).toContainText('1 selected');
  const box = await bar.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(389);
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeGreaterThanOrEqual(843);
  await shot(page, 'bulk-phone-bar');
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
});
