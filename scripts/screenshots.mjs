// The README's tour: signs in to a running Pulse with the demo data (`make run`) in Debian's Chromium
// and saves one screenshot per page into docs/screenshots/ (desktop light, desktop dark, phone dark).
//   node scripts/screenshots.mjs [http://localhost:8000]
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:8000';
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--disable-gpu'] });

async function signedIn(options) {
  const context = await browser.newContext({ locale: 'en-US', reducedMotion: 'reduce', ...options });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username or email').fill('demo');
  await page.getByLabel('Password').fill('pulse-demo-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  return { context, page };
}

/** Opens a page and waits until nothing on it is loading any more. */
async function visit(page, path) {
  await page.goto(`${base}${path}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.animate-pulse').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

async function firstProjectPath(page) {
  await visit(page, '/projects?ordering=-updated_at');
  const href = await page.getByRole('table').getByRole('link').first().getAttribute('href');
  return href ?? '/projects';
}

const desk = await signedIn({ viewport: { width: 1366, height: 860 }, colorScheme: 'light' });
const detail = await firstProjectPath(desk.page);
const pages = [
  ['dashboard', '/'],
  ['projects', '/projects'],
  ['project-detail', detail],
  ['project-edit', `${detail}/edit`],
  ['project-new', '/projects/new'],
  ['trash', '/trash'],
  ['notifications', '/notifications'],
  ['profile', '/profile'],
];
for (const [name, path] of pages) {
  await visit(desk.page, path);
  await desk.page.screenshot({ path: join(out, `${name}-light.png`) });
}
// The card view is a preference kept in the browser, not in the URL.
await visit(desk.page, '/projects');
await desk.page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Cards' }).click();
await desk.page.screenshot({ path: join(out, 'projects-cards-light.png') });
await desk.page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click();
await desk.context.close();

const dark = await signedIn({ viewport: { width: 1366, height: 860 }, colorScheme: 'dark' });
for (const [name, path] of [['dashboard', '/'], ['project-detail', detail]]) {
  await visit(dark.page, path);
  await dark.page.screenshot({ path: join(out, `${name}-dark.png`) });
}
await dark.context.close();

const phone = await signedIn({ viewport: { width: 375, height: 812 }, colorScheme: 'dark', isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
for (const [name, path] of [['projects', '/projects'], ['project-detail', detail]]) {
  await visit(phone.page, path);
  await phone.page.screenshot({ path: join(out, `${name}-phone.png`) });
}
await phone.context.close();

await browser.close();
console.log(`screenshots in ${out}`);
