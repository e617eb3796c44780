// Browser half of bench/spa_ttu.py: signs in through the login page, then times /projects to its first
// table rows, cold (a new browser context: empty cache, new connection) and warm (the same context
// again: cached assets, kept connection), beside a floor of the same shape: the static /favicon.svg
// navigated to cold and warm. Samples are interleaved (floor cold, page cold, floor warm, page warm) so
// machine noise hits both. Prints one JSON document on stdout; progress goes to stderr.
//
// Usage: node bench/spa_ttu.mjs '{"baseUrl": "...", "username": "...", "password": "...", "runs": 10}'
// Drives Debian's Chromium (/usr/bin/chromium, or "chromium" in the JSON) with the playwright-core the
// browser tests use (frontend's), never a downloaded browser.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const cfg = JSON.parse(process.argv[2] ?? '{}');
const base = cfg.baseUrl;
const runs = cfg.runs ?? 10;
const warmup = cfg.warmup ?? 1;
const rowSelector = '[data-testid="projects-table"] tbody tr';
const log = (message) => process.stderr.write(`  ${message}\n`);

// Stamps, on the page's own clock (ms since navigation start), when the first data row is in the DOM
// and the next animation frame after it (the rows painted).
const stampFirstRows = (selector) => {
  const mark = {};
  window.__ttu = mark;
  const found = () => {
    if (mark.rows !== undefined || !document.querySelector(selector)) return false;
    mark.rows = performance.now();
    requestAnimationFrame(() => {
      mark.frame = performance.now();
    });
    return true;
  };
  new MutationObserver((_, observer) => {
    if (found()) observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
};

const browser = await chromium.launch({
  executablePath: cfg.chromium ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const browserVersion = browser.version();
const contextOptions = { viewport: { width: 1280, height: 800 }, locale: 'en-US', reducedMotion: 'reduce' };

async function signIn() {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username or email').fill(cfg.username);
  await page.getByLabel('Password').fill(cfg.password);
  const started = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ timeout: 60_000 });
  const ms = Date.now() - started;
  const state = await context.storageState();
  await context.close();
  return { state, ms };
}

/** One navigation to /projects: first rows, their frame, and where the time went. */
async function projectsPage(page, listUrls) {
  const onRequest = (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/v1/projects/') listUrls.add(url.pathname + url.search);
  };
  page.on('request', onRequest);
  await page.goto(`${base}/projects`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__ttu && window.__ttu.frame !== undefined, undefined, { timeout: 60_000, polling: 50 });
  page.off('request', onRequest);
  return page.evaluate((selector) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const api = resources.filter((r) => new URL(r.name).pathname === '/api/v1/projects/');
    const scripts = resources.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
    return {
      rows_ms: window.__ttu.rows,
      painted_ms: window.__ttu.frame,
      rows: document.querySelectorAll(selector).length,
      html_response_end_ms: nav ? nav.responseEnd : null,
      dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
      list_api_start_ms: api[0] ? api[0].startTime : null,
      list_api_ms: api[0] ? api[0].responseEnd - api[0].startTime : null,
      list_api_end_ms: api[0] ? api[0].responseEnd : null,
      scripts: scripts.length,
      transferred_bytes: resources.reduce((sum, r) => sum + (r.transferSize || 0), nav ? nav.transferSize || 0 : 0),
      // Where the time went: every request up to the rows, on the same clock.
      waterfall: resources
        .filter((r) => r.startTime <= window.__ttu.rows)
        .map((r) => ({
          path: new URL(r.name).pathname + new URL(r.name).search,
          type: r.initiatorType,
          start_ms: Math.round(r.startTime),
          end_ms: Math.round(r.responseEnd),
          transfer_bytes: r.transferSize,
        })),
    };
  }, rowSelector);
}

/** The floor: a static file from the same server, navigated to; load event on the same clock. */
async function staticPage(page) {
  await page.goto(`${base}/favicon.svg`, { waitUntil: 'load' });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { load_ms: nav.loadEventEnd, response_end_ms: nav.responseEnd, transferred_bytes: nav.transferSize };
  });
}

const { state, ms: signInMs } = await signIn();
log(`signed in through the page in ${signInMs} ms`);
const listUrls = new Set();
const samples = { page_cold: [], page_warm: [], floor_cold: [], floor_warm: [] };
for (let i = 0; i < warmup + runs; i += 1) {
  const keep = i >= warmup;

  const floorContext = await browser.newContext(contextOptions);
  const floorPage = await floorContext.newPage();
  const floorCold = await staticPage(floorPage);
  const floorWarm = await staticPage(floorPage);
  await floorContext.close();

  const context = await browser.newContext({ ...contextOptions, storageState: state });
  await context.addInitScript(stampFirstRows, rowSelector);
  const page = await context.newPage();
  const cold = await projectsPage(page, listUrls);
  const warm = await projectsPage(page, listUrls);
  await context.close();

  if (keep) {
    samples.floor_cold.push(floorCold);
    samples.floor_warm.push(floorWarm);
    samples.page_cold.push(cold);
    samples.page_warm.push(warm);
  }
  log(
    `${keep ? 'run' : 'warm-up'} ${keep ? i - warmup + 1 : i + 1}: /projects rows painted cold ${cold.painted_ms.toFixed(0)} ms, ` +
      `warm ${warm.painted_ms.toFixed(0)} ms; /favicon.svg cold ${floorCold.load_ms.toFixed(0)} ms, warm ${floorWarm.load_ms.toFixed(0)} ms`,
  );
}
await browser.close();
process.stdout.write(`${JSON.stringify({ sign_in_ms: signInMs, list_urls: [...listUrls], samples, browser: browserVersion })}\n`);
