// The README tour's flows, as screenshot sequences from a running Pulse with `make run`'s demo data, in Debian's
// Chromium: live (two people, an edit in one window shows in the other, tinted), merge (a 412 answered by the
// merge dialog), bulk (selection bar, preview, live progress, a conflict, retry, Undo), the command palette and
// the shortcut help. Saves PNGs into docs/screenshots/ (palette-quantised with pngquant when it is installed).
//   node scripts/screenshots-flows.mjs [http://localhost:8000] [live,merge,bulk,palette]   (default: all four)
// It changes the demo data as a user would (a description and due date on two projects; the bulk edit is undone).
// Two things are slowed down for the camera only, never changed: the bulk run's final websocket message and
// reads of the operation are held back 2.5 s so the progress bar can be photographed before the report replaces it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:8000';
const only = new Set((process.argv[3] ?? 'live,merge,bulk,palette').split(','));
const want = (flow) => only.has(flow);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const PASSWORD = 'pulse-demo-2026';
const LIVE = 'Mobile app 3.0'; // Dana (demo) and Amara both lead it in the demo data
const MERGE = 'Partner API v2'; // likewise

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--disable-gpu'] });
const saved = [];

let pngquant = true;
/** Writes a PNG, quantised to 256 colours when pngquant is there (a third of the size, no visible loss on UI). */
function save(name, buffer) {
  const path = join(out, `${name}.png`);
  writeFileSync(path, buffer);
  if (pngquant) {
    try {
      execFileSync('pngquant', ['--force', '--skip-if-larger', '--strip', '--quality=70-95', '--output', path, path], { stdio: 'ignore' });
    } catch (error) {
      // 98/99: the result would be larger or worse than asked; the original stays.
      if (error.code === 'ENOENT') pngquant = false;
    }
  }
  saved.push([name, statSync(path).size]);
}

// One sign-in per person, its storage reused by every later window: logins are throttled (5 a minute per account).
const sessions = new Map();
async function signedIn(username, options = {}) {
  const storageState = sessions.get(username);
  const context = await browser.newContext({ locale: 'en-US', reducedMotion: 'reduce', viewport: { width: 1280, height: 800 }, colorScheme: 'light', storageState, ...options });
  const page = await context.newPage();
  if (storageState) {
    await page.goto(`${base}/`);
  } else {
    await page.goto(`${base}/login`);
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  sessions.set(username, await context.storageState());
  return { context, page };
}

/** Until nothing on the page is loading (skeletons gone); after an in-app navigation too, where no load event comes. */
async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(300);
  await page.waitForFunction(() => document.querySelectorAll('.animate-pulse').length === 0, null, { timeout: 15_000 }).catch(() => {});
}

async function visit(page, path) {
  await page.goto(`${base}${path}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await settle(page);
}

async function live(page) {
  await page.getByTestId('live-status').first().waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.getAttribute('data-status') === 'live');
}

async function projectPath(page, title) {
  await visit(page, `/projects?q=${encodeURIComponent(title)}`);
  const href = await page.getByRole('table').getByRole('link', { name: title, exact: true }).getAttribute('href');
  if (!href) throw new Error(`no project "${title}" in the demo data`);
  return href;
}

/** Two windows side by side, each under the name of who is using it, as one image. */
async function sideBySide(name, shots) {
  const page = await browser.newPage({ viewport: { width: 100, height: 100 } });
  const figures = shots
    .map(([label, buffer]) => `<figure><figcaption>${label}</figcaption><img src="data:image/png;base64,${buffer.toString('base64')}"></figure>`)
    .join('');
  await page.setContent(`<!doctype html><style>
    body { margin: 0; padding: 12px; background: #cbd5e1; font: 600 15px system-ui, sans-serif; color: #0f172a; display: inline-flex; gap: 12px; }
    figure { margin: 0; } figcaption { margin: 0 0 6px 2px; }
    img { display: block; width: ${Math.round(960 * 0.8)}px; border-radius: 6px; box-shadow: 0 1px 4px #0004; }
  </style>${figures}`);
  const buffer = await page.locator('body').screenshot();
  await page.close();
  save(name, buffer);
}

/** The bulk dialog (or whatever is in front), cropped to it with a margin, keeping the page behind for context. */
async function dialogShot(page, name) {
  const box = await page.getByRole('dialog').last().boundingBox();
  const view = page.viewportSize();
  const margin = 24;
  const clip = box
    ? {
        x: Math.max(0, box.x - margin),
        y: Math.max(0, box.y - margin),
        width: Math.min(view.width, box.width + 2 * margin),
        height: Math.min(view.height - Math.max(0, box.y - margin), box.height + 2 * margin),
      }
    : undefined;
  save(name, await page.screenshot({ clip }));
}

// --- Live: Amara edits in her window; Dana's open project page shows it within a second, tinted. ---
if (want('live')) {
  const small = { viewport: { width: 960, height: 640 } };
  const dana = await signedIn('demo', small);
  const amara = await signedIn('amara', small);
  const path = await projectPath(dana.page, LIVE);
  await visit(dana.page, path);
  await live(dana.page);
  await visit(amara.page, `${path}/edit`);
  const form = amara.page.getByRole('form', { name: `Edit ${LIVE}` });
  // One of two texts, whichever is not there now (so a rerun changes it again).
  const texts = ['Offline mode first, then push notifications and the new navigation.', 'Offline mode, push notifications and a refreshed navigation model.'];
  const now = await form.getByLabel('Description').inputValue();
  await form.getByLabel('Description').fill(texts.find((t) => t !== now) ?? texts[0]);
  await sideBySide('live-1-editing', [
    ['Amara edits the description', await amara.page.screenshot()],
    ['Dana has the project open', await dana.page.screenshot()],
  ]);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await amara.page.waitForURL(new RegExp(`${path}$`));
  await dana.page.locator('[data-live-flash]').first().waitFor({ timeout: 5_000 });
  const danaShot = await dana.page.screenshot(); // within the two seconds of the tint
  await settle(amara.page);
  await amara.page.evaluate(() => window.scrollTo(0, 0));
  await sideBySide('live-2-arrived', [
    ['Amara saved', await amara.page.screenshot()],
    ['Dana sees it at once, tinted, without a reload', danaShot],
  ]);
  await dana.context.close();
  await amara.context.close();
}

// --- Merge: both edit the description; Dana's save meets Amara's newer version (412) and asks. ---
if (want('merge')) {
  const dana = await signedIn('demo');
  const amara = await signedIn('amara');
  const path = await projectPath(dana.page, MERGE);
  await visit(dana.page, `${path}/edit`);
  await live(dana.page);
  await visit(amara.page, `${path}/edit`);
  const mine = dana.page.getByRole('form', { name: `Edit ${MERGE}` });
  const theirs = amara.page.getByRole('form', { name: `Edit ${MERGE}` });
  await theirs.getByLabel('Description').fill('Versioned partner endpoints with per-partner rate limits.');
  await theirs.getByRole('button', { name: 'Save changes' }).click();
  await amara.page.waitForURL(new RegExp(`${path}$`));
  await mine.getByText('Changed by someone else:').first().waitFor();
  await mine.getByLabel('Description').fill('Versioned partner endpoints, with webhooks for order events.');
  const due = mine.getByLabel('Due date');
  const current = await due.inputValue();
  const later = new Date(`${current || '2027-06-30'}T00:00:00Z`);
  later.setUTCDate(later.getUTCDate() + 14);
  await due.fill(later.toISOString().slice(0, 10));
  await mine.getByLabel('Description').scrollIntoViewIfNeeded();
  save('merge-1-form', await dana.page.screenshot());
  await mine.getByRole('button', { name: 'Save changes' }).click();
  const dialog = dana.page.getByRole('dialog', { name: 'Someone else saved changes meanwhile' });
  await dialog.waitFor();
  await dialog.getByText('Merged automatically').first().waitFor();
  save('merge-2-dialog', await dana.page.screenshot());
  const description = dialog.getByRole('group', { name: 'Description' });
  await description.getByRole('radio', { name: 'Edit: type a value of your own' }).check();
  await dialog.getByLabel('Description, your value').fill('Versioned partner endpoints with per-partner rate limits and webhooks for order events.');
  await dialog.getByRole('button', { name: 'Save merged' }).click();
  await dana.page.waitForURL(new RegExp(`${path}$`));
  await dana.page.evaluate(() => window.scrollTo(0, 0));
  await settle(dana.page);
  save('merge-3-saved', await dana.page.screenshot());
  await dana.context.close();
  await amara.context.close();
}

// --- Bulk: select a page, preview a due-date shift, Amara changes one meanwhile, apply, retry, undo. ---
/**
 * Installed before the page opens its socket (a route applies to new connections only); while `hold.on`, the
 * run's final message and reads of the operation wait 2.5 s: the camera's only intervention.
 */
async function holdCompletion(page) {
  const hold = { on: false };
  const later = (fn) => (hold.on ? setTimeout(fn, 2_500) : fn());
  await page.routeWebSocket(/\/ws\/?(\?.*)?$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const text = typeof message === 'string' ? message : message.toString();
      const final = /"type":\s*"bulk\.completed"/.test(text) || (/"type":\s*"bulk\.progress"/.test(text) && /"phase":\s*"(succeeded|failed|completed)"/.test(text));
      if (final) later(() => ws.send(message));
      else ws.send(message);
    });
    ws.onMessage((message) => server.send(message));
  });
  await page.route(/\/api\/v1\/bulk-operations\/\d+\/$/, (route) => later(() => void route.continue()));
  return hold;
}

async function bulkFlow(page, suffix, amaraPage) {
  const hold = await holdCompletion(page);
  await visit(page, '/projects?ordering=title');
  await live(page);
  await page.getByRole('checkbox', { name: 'Select this page' }).check();
  // Every project: the page's, then "Select all N matching" (when the list has more than one page).
  const all = page.getByRole('button', { name: /^Select all \d+ matching$/ });
  if (await all.isVisible()) await all.click();
  await page.getByTestId('selection-count').filter({ hasText: /^\d+ selected$/ }).waitFor();
  await page.getByRole('region', { name: 'Selection' }).scrollIntoViewIfNeeded();
  save(`bulk-1-selection${suffix}`, await page.screenshot());
  await page.getByRole('button', { name: 'Bulk edit…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Bulk edit \d+ projects$/ });
  await dialog.getByLabel('Action').selectOption('shift_due_date');
  await dialog.getByLabel('Days (negative moves earlier)').fill('7');
  await dialogShot(page, `bulk-2-form${suffix}`);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByTestId('bulk-preview').getByRole('table', { name: 'Sample of changes' }).waitFor();
  await settle(page);
  await dialogShot(page, `bulk-3-preview${suffix}`);
  if (amaraPage) {
    // Amara moves one of the selected projects' due date meanwhile (in her own window).
    const path = await projectPath(amaraPage, LIVE);
    await visit(amaraPage, `${path}/edit`);
    const form = amaraPage.getByRole('form', { name: `Edit ${LIVE}` });
    const due = form.getByLabel('Due date');
    const d = new Date(`${(await due.inputValue()) || '2027-06-30'}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    await due.fill(d.toISOString().slice(0, 10));
    await form.getByRole('button', { name: 'Save changes' }).click();
    await amaraPage.waitForURL(new RegExp(`${path}$`));
  }
  const apply = dialog.getByRole('button', { name: /^Apply to \d+ projects$/ });
  const report = dialog.getByTestId('bulk-report');
  if (amaraPage) {
    // All or nothing: the run fails on Amara's change and says so; the retry takes her version.
    await apply.click();
    await report.getByRole('region', { name: 'Changed by someone since you read them' }).waitFor({ timeout: 30_000 });
    await settle(page);
    await dialogShot(page, `bulk-4-conflict${suffix}`);
    hold.on = true;
    await report.getByRole('button', { name: 'Retry with the fresh versions' }).click();
  } else {
    hold.on = true;
    await apply.click();
  }
  await dialog.getByTestId('bulk-progress').waitFor();
  await page.waitForTimeout(800);
  await dialogShot(page, `bulk-5-progress${suffix}`);
  hold.on = false;
  await dialog.getByText(/^Done: \d+ projects changed\.$/).waitFor({ timeout: 30_000 });
  await dialogShot(page, `bulk-6-done${suffix}`);
  await dialog.getByRole('button', { name: 'Undo' }).click();
  await page.getByText(/^Undone: \d+ projects are back as they were\.$/).waitFor({ timeout: 30_000 });
  await dialogShot(page, `bulk-7-undone${suffix}`);
  await page.getByRole('dialog', { name: 'Undo the bulk edit' }).getByRole('button', { name: 'Close' }).click();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
}

if (want('bulk')) {
  const dana = await signedIn('demo');
  const amara = await signedIn('amara');
  await bulkFlow(dana.page, '', amara.page);
  await dana.context.close();
  await amara.context.close();
}
if (want('bulk')) {
  // Dark: the same flow.
  const dark = await signedIn('demo', { colorScheme: 'dark' });
  const amara = await signedIn('amara');
  await bulkFlow(dark.page, '-dark', amara.page);
  await dark.context.close();
  await amara.context.close();
}
if (want('bulk')) {
  // Phone: the selection bar across the bottom and the dialog's preview.
  const phone = await signedIn('demo', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  await visit(phone.page, '/projects?ordering=title');
  await phone.page.getByRole('checkbox').nth(1).check();
  await phone.page.getByRole('checkbox').nth(2).check();
  await phone.page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
  save('bulk-phone-bar', await phone.page.screenshot());
  await phone.page.getByRole('button', { name: 'Bulk edit…' }).click();
  const dialog = phone.page.getByRole('dialog', { name: 'Bulk edit 2 projects' });
  await dialog.getByLabel('Action').selectOption('shift_due_date');
  await dialog.getByLabel('Days (negative moves earlier)').fill('7');
  save('bulk-phone-form', await phone.page.screenshot());
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByTestId('bulk-preview').getByRole('table', { name: 'Sample of changes' }).waitFor();
  await settle(phone.page);
  save('bulk-phone-preview', await phone.page.screenshot());
  await phone.context.close();
}

// --- The command palette (searching as you type, beside the commands) and the shortcut help. ---
const paletteVariants = [
  ['', {}],
  ['-dark', { colorScheme: 'dark' }],
  ['-phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }],
];
for (const [suffix, options] of want('palette') ? paletteVariants : []) {
  const { context, page } = await signedIn('demo', options);
  const path = await projectPath(page, MERGE);
  await visit(page, path);
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.waitFor();
  await palette.getByRole('option', { name: /Go to dashboard/ }).waitFor();
  save(`palette-1-empty${suffix}`, await page.screenshot());
  await page.keyboard.type('partner');
  await palette.getByRole('option', { name: new RegExp(MERGE) }).first().waitFor();
  await settle(page);
  await page.keyboard.press('ArrowDown');
  save(`palette-2-search${suffix}`, await page.screenshot());
  await page.keyboard.press('Escape');
  await palette.waitFor({ state: 'hidden' });
  await page.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  save(`shortcut-help${suffix}`, await page.screenshot());
  await context.close();
}

await browser.close();
for (const [name, size] of saved) console.log(`${(size / 1024).toFixed(0).padStart(5)} kB  docs/screenshots/${name}.png`);
if (!pngquant) console.log('(pngquant is not installed: the images are not quantised; apt-get install pngquant)');
