// Browser half of bench/live_paint.py: a change made in one browser painted in another (SPEC §11).
//
// Two browser contexts of one Chromium (separate storage, separate renderer processes): A signed in
// as the project's owner, B as a member. Both open the project page (each tab holds its one live
// socket, subscribed to `project:ID`). Per sample, A edits the description through the UI (Edit →
// Description → Save changes) and B, which never reloads, repaints it from the websocket event.
//
// Clocks: every stamp is epoch milliseconds from `performance.timeOrigin + performance.now()` inside
// the page that saw it (same machine, so A's and B's clocks and the Python side's `time.time()` agree
// to well under a millisecond).
// - sent: A's page calls fetch() with the PATCH (a wrapper installed before the app loads);
// - socket: the message event in B's page that carried the change (its timeStamp);
// - dom: B's MutationObserver callback after the description paragraph holds the new text;
// - frame: the animation frame after it in B (the change painted; the headline).
// Prints one JSON document on stdout; progress goes to stderr.
//
// Usage: node bench/live_paint.mjs '{"baseUrl": "...", "projectId": 1, "a": {...}, "b": {...}, "samples": 50}'
// Drives Debian's Chromium (/usr/bin/chromium, or "chromium" in the JSON) with the playwright-core the
// browser tests use (frontend's), never a downloaded browser.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const cfg = JSON.parse(process.argv[2] ?? '{}');
const base = cfg.baseUrl;
const samples = cfg.samples ?? 50;
const warmup = cfg.warmup ?? 3;
const pauseMs = cfg.pauseMs ?? 300;
const timeoutMs = cfg.timeoutMs ?? 10_000;
const log = (message) => process.stderr.write(`  ${message}\n`);
const epochNow = () => performance.timeOrigin + performance.now();

// A: stamps every PATCH of a project as the app hands it to fetch().
const stampPatches = () => {
  window.__patches = [];
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const method = (init && init.method) || (input instanceof Request ? input.method : 'GET');
    const url = input instanceof Request ? input.url : String(input);
    if (method.toUpperCase() === 'PATCH' && new URL(url, location.href).pathname.startsWith('/api/v1/projects/')) {
      const entry = { sent: performance.timeOrigin + performance.now() };
      window.__patches.push(entry);
      return original(input, init).then((response) => {
        entry.answered = performance.timeOrigin + performance.now();
        entry.status = response.status;
        return response;
      });
    }
    return original(input, init);
  };
};

// B: `__paint.expect(text)` arms a MutationObserver that stamps the first DOM state in which a
// paragraph of the page's main region holds exactly `text`, then the animation frame after it. The
// page's WebSocket is wrapped too, to stamp when the event carrying `text` reached the page (the
// message event's own timeStamp), so the browser's share can be told from the server's.
const watchPaint = () => {
  const state = { expected: null, mark: null, socket: null };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (state.expected !== null && state.socket === null && typeof event.data === 'string' && event.data.includes(state.expected))
          state.socket = performance.timeOrigin + event.timeStamp;
      });
    }
  };
  const holds = () => [...document.querySelectorAll('#main p')].some((p) => p.textContent === state.expected);
  new MutationObserver(() => {
    if (state.expected === null || state.mark !== null || !holds()) return;
    const mark = { dom: performance.timeOrigin + performance.now() };
    state.mark = mark;
    requestAnimationFrame(() => {
      mark.frame = performance.timeOrigin + performance.now();
    });
  }).observe(document, { childList: true, subtree: true, characterData: true });
  window.__paint = {
    expect(text) {
      state.expected = text;
      state.mark = null;
      state.socket = null;
    },
    mark: () => (state.mark ? { ...state.mark, socket: state.socket } : null),
  };
};

const browser = await chromium.launch({
  executablePath: cfg.chromium ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const browserVersion = browser.version();
const contextOptions = { viewport: { width: 1280, height: 800 }, locale: 'en-US', reducedMotion: 'reduce' };

async function openSignedIn(user, initScript) {
  const context = await browser.newContext(contextOptions);
  await context.addInitScript(initScript);
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`page error (${user.username}): ${e.message}`));
  await page.goto(`${base}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ timeout: 60_000 });
  await page.goto(`${base}/projects/${cfg.projectId}`);
  await page.getByRole('heading', { level: 1, name: cfg.projectTitle }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="live-status"][data-status="live"]').first().waitFor({ state: 'attached', timeout: 60_000 });
  return { context, page };
}

const a = await openSignedIn(cfg.a, stampPatches);
const b = await openSignedIn(cfg.b, watchPaint);
log(`A (${cfg.a.username}) and B (${cfg.b.username}) on /projects/${cfg.projectId}, both live`);

/** One edit in A through the form; B's stamps of the new text. */
async function sample(i) {
  const value = `Paint sample ${i} ${Math.random().toString(36).slice(2, 10)}`;
  await b.page.evaluate((text) => window.__paint.expect(text), value);
  await a.page.locator(`a[href="/projects/${cfg.projectId}/edit"]`).click();
  const field = a.page.getByLabel('Description');
  await field.waitFor({ timeout: timeoutMs });
  await a.page.getByRole('button', { name: 'Save changes' }).waitFor({ timeout: timeoutMs });
  await field.fill(value);
  const before = await a.page.evaluate(() => window.__patches.length);
  await a.page.getByRole('button', { name: 'Save changes' }).click();
  let mark = null;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    mark = await b.page.evaluate(() => window.__paint.mark());
    if (mark && mark.frame !== undefined) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await a.page.waitForURL(`${base}/projects/${cfg.projectId}`, { timeout: timeoutMs });
  await a.page.locator(`a[href="/projects/${cfg.projectId}/edit"]`).waitFor({ timeout: timeoutMs });
  const patches = await a.page.evaluate(() => window.__patches);
  const patch = patches[before] ?? null;
  const painted = mark && mark.frame !== undefined;
  return {
    value,
    sent: patch ? patch.sent : null,
    answered: patch ? patch.answered ?? null : null,
    status: patch ? patch.status ?? null : null,
    socket: mark ? mark.socket : null,
    dom: painted ? mark.dom : null,
    frame: painted ? mark.frame : null,
    lost: !painted,
  };
}

const out = [];
const started = epochNow();
for (let i = 0; i < warmup + samples; i += 1) {
  const keep = i >= warmup;
  const s = await sample(i);
  if (keep) out.push(s);
  const ms = s.frame !== null && s.sent !== null ? `${(s.frame - s.sent).toFixed(0)} ms` : 'NOT PAINTED';
  if (!keep || (i - warmup + 1) % 10 === 0 || s.lost) log(`${keep ? 'sample' : 'warm-up'} ${keep ? i - warmup + 1 : i + 1}: PATCH sent → painted in B ${ms}`);
  await new Promise((r) => setTimeout(r, pauseMs + Math.random() * pauseMs));
}
await browser.close();
process.stdout.write(`${JSON.stringify({ samples: out, browser: browserVersion, elapsed_ms: epochNow() - started })}\n`);
