/**
 * A one-click write on a copy someone else changed meanwhile, against the real server: Tess changes
 * the project through the API while Eddie has it open; his click on a lifecycle button meets the
 * 412, the dialog says who changed what, and "Do it anyway" runs it on the fresh version.
 *
 * The project is Tess's own, made here with Eddie as a manager and deleted at the end, so no other
 * spec's numbers move. Eddie's websocket is real but holds its events back while Tess changes the
 * project: the change is "in flight", as when a click beats the live update.
 */
import type { APIRequestContext } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { PASSWORD } from './support/seed';

test.use({ storageState: authFile('eddie') });

async function signedIn(api: APIRequestContext, username: string): Promise<Record<string, string>> {
  const response = await api.post('/api/v1/auth/token/', { data: { username, password: PASSWORD } });
  expect(response.status()).toBe(200);
  const { access } = (await response.json()) as { access: string };
  return { Authorization: `Bearer ${access}` };
}

test('a transition over a change made meanwhile asks, then Do it anyway runs it on the fresh version', async ({ page, browser, api, guard, shot }) => {
  const tessContext = await browser.newContext({ storageState: undefined });
  const tess = tessContext.request;
  const auth = await signedIn(tess, 'tess');
  const eddie = (await (await api.get('/api/v1/auth/me/')).json()) as { id: number };
  const title = `E2E one-click ${Date.now()}`;
  const created = await tess.post('/api/v1/projects/', { headers: auth, data: { title, description: 'Made for one test.', start_date: '2027-01-04', due_date: '2027-03-31' } });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: number }).id;
  const read = async () => {
    const response = await tess.get(`/api/v1/projects/${id}/`, { headers: auth });
    expect(response.status()).toBe(200);
    return { body: (await response.json()) as { status: string; due_date: string }, etag: response.headers()['etag'] ?? '' };
  };
  try {
    const joined = await tess.post(`/api/v1/projects/${id}/members/`, { headers: auth, data: { user_id: eddie.id, role: 'manager', allocation: 0 } });
    expect(joined.status()).toBe(201);

    // Eddie's live events pass through, except while Tess's change is in flight.
    let holding = false;
    await page.routeWebSocket(/\/ws\/?(\?.*)?$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!holding) ws.send(message);
      });
    });
    await page.goto(`/projects/${id}`);
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    const lifecycle = page.getByRole('group', { name: 'Lifecycle' });
    await expect(lifecycle.getByRole('button')).toHaveText(['Start', 'Cancel project']);
    await expect(page.getByTestId('live-status').first()).toHaveAttribute('data-status', 'live');

    holding = true;
    const before = await read();
    const patched = await tess.patch(`/api/v1/projects/${id}/`, { headers: { ...auth, 'If-Match': before.etag }, data: { due_date: '2027-05-31' } });
    expect(patched.status()).toBe(200);

    guard.allowHttp(412, new RegExp(`/api/v1/projects/${id}/transitions/start/$`));
    await lifecycle.getByRole('button', { name: 'Start' }).click();
    const dialog = page.getByRole('dialog', { name: `“${title}” changed meanwhile` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAccessibleDescription(/^Tess Teammate changed due date to May 31/);
    await expect(dialog.getByText('Start it anyway?')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Do it anyway' })).toBeFocused();
    // Nothing was written over Tess's version while the dialog asks.
    expect((await read()).body).toMatchObject({ status: 'planning', due_date: '2027-05-31' });
    await shot(page, 'one-click-412');
    // At phone width the question and both answers fit on the screen.
    await page.setViewportSize({ width: 390, height: 760 });
    for (const name of ['Cancel', 'Do it anyway']) await expect(dialog.getByRole('button', { name })).toBeInViewport();
    await shot(page, 'one-click-412-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    holding = false;
    await dialog.getByRole('button', { name: 'Do it anyway' }).click();
    await expect(page.getByText('Now active')).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(lifecycle.getByRole('button')).toHaveText(['Put on hold', 'Complete', 'Cancel project']);
    // Her change stands, and his transition is on top of it.
    expect((await read()).body).toMatchObject({ status: 'active', due_date: '2027-05-31' });
  } finally {
    // Off the page first: it would hear of the deletion and read the project (404s) as it goes.
    await page.goto('about:blank');
    const last = await read();
    const deleted = await tess.delete(`/api/v1/projects/${id}/`, { headers: { ...auth, 'If-Match': last.etag } });
    expect(deleted.status()).toBe(204);
    await tessContext.close();
  }
});
