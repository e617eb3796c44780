/**
 * Live updates across browsers: Tess (another user, another browser context) changes a project
 * through the REST API; Eddie's open project page and project list show it within about a second,
 * without a reload, over the websocket (SPEC §6, §8).
 */
import type { APIRequestContext, Page } from '@playwright/test';

import { projectId } from './support/api';
import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { PASSWORD } from './support/seed';

const SHARED = 'Quasar research'; // Tess's project; Eddie is on its team (seed_e2e)
const LIVE_MS = 1_000;

test.use({ storageState: authFile('eddie') });

async function signedInApi(api: APIRequestContext, username: string): Promise<Record<string, string>> {
  const response = await api.post('/api/v1/auth/token/', { data: { username, password: PASSWORD } });
  expect(response.status()).toBe(200);
  const { access } = (await response.json()) as { access: string };
  return { Authorization: `Bearer ${access}` };
}

/** Marks the document, so a reload (which would make a fresh one) is noticed. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { liveMark: string }).liveMark = 'still here';
  });
}
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { liveMark?: string }).liveMark);

test('a change made by another user appears on the open project page and list within a second, without a reload', async ({ page, browser, api, guard, shot }) => {
  // Tess works in a browser context of her own; she changes the project through the API.
  const tessContext = await browser.newContext({ storageState: undefined });
  const tess = tessContext.request;
  const tessAuth = await signedInApi(tess, 'tess');
  const id = await projectId(api, SHARED);

  // Eddie: the project page in one tab, the project list in another (each tab has its own socket).
  const detail = page;
  await detail.goto(`/projects/${id}`);
  await expect(detail.getByRole('heading', { level: 1, name: SHARED })).toBeVisible();
  const list = await page.context().newPage();
  guard.watch(list);
  await list.goto('/projects');
  const row = list.getByRole('row').filter({ has: list.getByRole('link', { name: SHARED, exact: true }) });
  await expect(row).toBeVisible();
  for (const p of [detail, list]) {
    await expect(p.getByTestId('live-status').first()).toHaveAttribute('data-status', 'live');
    await markDocument(p);
  }
  await expect(detail.getByTestId('live-status').locator('visible=true')).toHaveText(/Live/);

  const current = await tess.get(`/api/v1/projects/${id}/`, { headers: tessAuth });
  const before = (await current.json()) as { progress: number; description: string };
  const progress = before.progress >= 90 ? before.progress - 7 : before.progress + 7;
  const description = `Interviews, a short report and a live check ${Date.now()}.`;
  const patched = await tess.patch(`/api/v1/projects/${id}/`, {
    headers: { ...tessAuth, 'If-Match': current.headers()['etag'] ?? '' },
    data: { progress, description },
  });
  expect(patched.status()).toBe(200);
  const sentAt = Date.now();

  await expect(detail.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', String(progress), { timeout: LIVE_MS });
  await expect(detail.getByText(description, { exact: true })).toBeVisible({ timeout: LIVE_MS });
  await expect(row.getByRole('progressbar', { name: `Progress of ${SHARED}` })).toHaveAttribute('aria-valuenow', String(progress), { timeout: LIVE_MS });
  const seenWithin = Date.now() - sentAt;
  const note = `both tabs showed the change ${seenWithin} ms after the PATCH answered`;
  test.info().annotations.push({ type: 'live-ms', description: note });
  console.log(`live.spec: ${note}`);

  // The new version came with the event: the activity timeline has Tess's change on top.
  await expect(detail.locator('section').filter({ has: detail.getByRole('heading', { name: 'Activity', exact: true }) }).getByRole('listitem').first()).toContainText('Tess Teammate');
  for (const p of [detail, list]) expect(await notReloaded(p)).toBe('still here');
  await expect(detail.getByTestId('live-status').locator('visible=true')).toHaveText(/Live/);
  await shot(detail, 'live-detail-updated');
  await shot(list, 'live-list-updated');

  // Put the project back the way the seed has it, for specs that run after this one.
  const after = await tess.get(`/api/v1/projects/${id}/`, { headers: tessAuth });
  const restored = await tess.patch(`/api/v1/projects/${id}/`, {
    headers: { ...tessAuth, 'If-Match': after.headers()['etag'] ?? '' },
    data: { progress: before.progress, description: before.description },
  });
  expect(restored.status()).toBe(200);
  await tessContext.close();
});

test('a list shows a project another user just made match its filter, and drops it once it no longer does, without a reload', async ({ page, browser, api, shot }) => {
  // Eddie's at-risk list starts empty: none of his projects is at risk, so his tab has no socket
  // subscription to Quasar; only the `projects` topic can tell it that Quasar now matches.
  const tessContext = await browser.newContext({ storageState: undefined });
  const tess = tessContext.request;
  const tessAuth = await signedInApi(tess, 'tess');
  const id = await projectId(api, SHARED);
  await page.goto('/projects?health=at_risk');
  await expect(page.getByTestId('live-status').first()).toHaveAttribute('data-status', 'live');
  const link = page.getByRole('link', { name: SHARED, exact: true });
  await expect(page.getByRole('heading', { level: 1, name: 'Projects' })).toBeVisible();
  await expect(link).toHaveCount(0);
  await markDocument(page);

  const setOverride = async (data: Record<string, unknown>) => {
    const current = await tess.get(`/api/v1/projects/${id}/`, { headers: tessAuth });
    const response = await tess.patch(`/api/v1/projects/${id}/`, { headers: { ...tessAuth, 'If-Match': current.headers()['etag'] ?? '' }, data });
    expect(response.status()).toBe(200);
    return Date.now();
  };
  try {
    const sentAt = await setOverride({ health_override: 'at_risk', health_override_reason: 'Live list check' });
    await expect(link).toBeVisible({ timeout: LIVE_MS });
    const note = `the filtered list showed the project ${Date.now() - sentAt} ms after the PATCH answered`;
    test.info().annotations.push({ type: 'live-list-ms', description: note });
    console.log(`live.spec: ${note}`);
    await shot(page, 'live-list-joined');

    await setOverride({ health_override: null });
    await expect(link).toHaveCount(0, { timeout: LIVE_MS });
    expect(await notReloaded(page)).toBe('still here');
  } finally {
    const current = await tess.get(`/api/v1/projects/${id}/`, { headers: tessAuth });
    if (((await current.json()) as { health_override: string | null }).health_override !== null) await setOverride({ health_override: null });
    await tessContext.close();
  }
});
