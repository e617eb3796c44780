/**
 * The command palette by keyboard only, against the real server: Control+K, a project found by the
 * server's search, a lifecycle transition run from the palette, dark mode. Wendy makes her own
 * project for it, which nobody else sees: the seeded numbers other tests assert stay as they are.
 */
import { expect, test } from './support/fixtures';
import { authFile } from './support/paths';
import { settled } from './support/ui';

test.use({ storageState: authFile('wendy') });

test('keyboard only: open with Control+K, jump to a project, start it, toggle dark mode', async ({ page, api, shot }) => {
  const title = `Palette walk ${Date.now()}`;
  const created = await api.post('/api/v1/projects/', { data: { title, description: 'Made by the palette test.' } });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: number }).id;

  await page.goto('/projects');
  await settled(page, 'Projects');
  const opener = page.getByRole('searchbox', { name: 'Search projects' });
  await opener.focus();

  // From inside a text field: the palette opens, and the browser's own Ctrl+K does not fire.
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  const input = palette.getByRole('combobox', { name: 'Search projects or type a command' });
  await expect(input).toBeFocused();
  await expect(palette.getByRole('option', { name: /Go to dashboard/ })).toBeVisible();

  // Esc closes it and gives the focus back.
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press('Control+K');
  await expect(input).toBeFocused();
  await page.keyboard.type(title);
  const hit = palette.getByRole('option', { name: new RegExp(title) });
  await expect(hit).toBeVisible();
  await expect(hit).toHaveAttribute('aria-selected', 'true');
  await expect(hit.locator('mark').first()).toBeVisible();
  await shot(page, 'palette-search');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/projects/${id}$`));
  await settled(page, title);
  const lifecycle = page.getByRole('group', { name: 'Lifecycle' });
  await expect(lifecycle.getByRole('button', { name: 'Start', exact: true })).toBeVisible();

  // The project page's own actions are in it now; the transition allowed is run from there.
  await page.keyboard.press('Control+K');
  await expect(input).toBeFocused();
  await expect(palette.getByRole('option', { name: /New milestone/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /Add member/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /Edit project/ })).toBeVisible();
  await page.keyboard.type('start');
  const start = palette.getByRole('option', { name: /Start project/ });
  await expect(start).toHaveAttribute('aria-selected', 'true');
  await shot(page, 'palette-project-actions');
  const transition = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/v1/projects/${id}/transitions/start/`));
  await page.keyboard.press('Enter');
  expect((await transition).status()).toBe(200);
  await expect(page.getByText('Now active')).toBeVisible();
  await expect(lifecycle.getByRole('button', { name: 'Put on hold' })).toBeVisible();
  await expect(lifecycle.getByRole('button', { name: 'Start', exact: true })).toHaveCount(0);
  const after = await api.get(`/api/v1/projects/${id}/`);
  expect(((await after.json()) as { status: string }).status).toBe('active');

  // Start is gone from the palette with the button; hold is offered instead.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('project');
  await expect(palette.getByRole('option', { name: /Put project on hold/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /Start project/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();

  // Dark mode from the palette, and back.
  const html = page.locator('html');
  await expect(html).toHaveClass(/\blight\b/);
  await page.keyboard.press('Control+K');
  await page.keyboard.type('dark mode');
  await expect(palette.getByRole('option', { name: /Toggle dark mode/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(html).toHaveClass(/\bdark\b/);
  await page.keyboard.press('Control+K');
  await expect(palette.getByRole('option', { name: /Toggle dark mode.*Now dark/ })).toBeVisible();
  await shot(page, 'palette-dark');
  // Arrows move the choice; Esc leaves it all as it was.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.type('dark');
  await page.keyboard.press('Enter');
  await expect(html).toHaveClass(/\blight\b/);
});

test('the palette at phone width, opened from the header button; an unknown search says so', async ({ page, shot }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  await settled(page, 'Dashboard');
  await page.getByRole('button', { name: 'Open the command palette' }).click();
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const input = palette.getByRole('combobox', { name: 'Search projects or type a command' });
  await expect(input).toBeFocused();
  await page.keyboard.type('zzqxv nothing like this');
  await expect(palette.getByText(/No projects or commands match/)).toBeVisible();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('go to');
  await expect(palette.getByRole('option', { name: /Go to projects/ })).toBeVisible();
  await shot(page, 'palette-phone');
  const box = await palette.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
});
