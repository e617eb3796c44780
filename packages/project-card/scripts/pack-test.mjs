#!/usr/bin/env node
/**
 * The pack test: what a consumer gets from `npm pack` works in a fresh app.
 *
 * 1. builds the package and packs it; checks what the tarball holds;
 * 2. writes a new Vite + React + TypeScript app in a temp dir that installs the
 *    tarball (npm install --prefer-offline, so the npm cache serves it);
 * 3. type-checks the app against the shipped .d.ts, and renders a card with
 *    react-dom/server in Node from the installed package;
 * 4. builds the app with `vite build`, serves dist on 127.0.0.1 and loads it in
 *    headless Chromium: the cards render, the tooltip works by keyboard and
 *    hover, links navigate, light/dark/system themes apply, axe (with colour
 *    contrast) finds nothing in either theme, and the console stays clean.
 *
 * Env: CHROMIUM_PATH (default /usr/bin/chromium), PACK_TEST_KEEP=1 keeps the temp dir.
 * Screenshots go to test-results/pack-test/ (git-ignored).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(pkgDir, 'test-results', 'pack-test');
const started = Date.now();

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`  ok   ${name}`);
  } else {
    failed += 1;
    console.log(`  FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

function step(name) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${name}`);
}

/** Runs a command, returns stdout; throws with its output when it fails or overruns. */
function run(cmd, args, { cwd, timeoutMs = 180_000, env = {} } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? code})\n${out}\n${err}`));
    });
  });
}

const versions = (...names) => Object.fromEntries(names.map((n) => [n, pkg.devDependencies[n]]));

// An API list row with fields the card does not read, exactly as the SPA would pass it.
const ROW = {
  id: 1,
  title: 'Checkout revamp & more',
  description: 'Rebuild the checkout',
  status: 'active',
  health: 'at_risk',
  health_reasons: [
    { code: 'milestone_overdue', severity: 'at_risk', message: 'Milestone "Beta" is 3 days overdue' },
    { code: 'progress_behind', severity: 'at_risk', message: 'Progress 40% is behind schedule' },
  ],
  health_override: null,
  health_override_reason: '',
  progress: 40,
  progress_mode: 'milestones',
  start_date: '2020-01-01',
  due_date: '2021-06-30',
  is_overdue: true,
  owner: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' },
  tags: [
    { id: 1, name: 'payments', colour: '#3b82f6' },
    { id: 2, name: 'urgent', colour: '#fde047' },
    { id: 3, name: 'infra', colour: '#111827' },
  ],
  members: ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson'].map(
    (name, i) => ({ id: i + 1, user: { id: i + 10, name, email: `u${i}@example.com` }, role: i ? 'developer' : 'lead', allocation: 50 }),
  ),
  milestone_summary: { total: 5, done: 2, overdue: 1, next_due: '2021-05-01' },
  allowed_transitions: ['on_hold', 'completed', 'cancelled'],
  my_role: 'lead',
  capabilities: { can_edit: true, can_manage_team: true, can_delete: true },
  version: 3,
  etag: '"project-1-3"',
  created_at: '2020-01-01T00:00:00Z',
  updated_at: '2020-02-01T00:00:00Z',
};

const MAIN_TSX = `import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ProjectCard,
  StatusBadge,
  parseMarkedText,
  type ProjectCardProject,
  type ProjectCardLinkProps,
} from '@pulse-ui/project-card';
import '@pulse-ui/project-card/style.css';

declare global {
  interface Window {
    __navigated: string[];
  }
}
window.__navigated = [];

const row = ${JSON.stringify(ROW, null, 2)} as const;
// The API row goes in as is: this line fails to compile if the types drift.
const project: ProjectCardProject = row;

function RouterishLink({ href, className, children }: ProjectCardLinkProps) {
  return (
    <a href={href} className={className} data-router-link="" onClick={(e) => { e.preventDefault(); window.__navigated.push('router:' + href); }}>
      {children}
    </a>
  );
}

function App() {
  const [selected, setSelected] = useState(true);
  return (
    <main>
      <h1>Pack test</h1>
      <section id="light" data-theme="light" aria-label="Light">
        <ProjectCard
          headingLevel={2}
          project={row}
          href="#/projects/1"
          onNavigate={(href) => window.__navigated.push(href)}
          highlight={parseMarkedText('<mark>Checkout</mark> revamp &amp; more')}
          locale="en-GB"
        />
      </section>
      <section id="dark" className="dark" aria-label="Dark">
        <ProjectCard
          headingLevel={2}
          project={{ ...project, id: 2, title: 'Dark card', is_overdue: false, due_date: '2099-01-01', health: 'off_track' }}
          renderLink={(p) => <RouterishLink {...p} />}
          href="/projects/2"
          selected={selected}
          onSelectedChange={setSelected}
          density="compact"
          locale="en-GB"
        />
      </section>
      <section id="system" aria-label="System">
        <ProjectCard headingLevel={2} project={{ ...project, id: 3, title: 'System card', health_reasons: [], health: 'on_track' }} locale="en-GB" />
        <StatusBadge status="completed" />
      </section>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`;

const SSR_MJS = `import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ProjectCard, markedToNodes } from '@pulse-ui/project-card';
const row = ${JSON.stringify(ROW)};
const html = renderToString(createElement(ProjectCard, { project: row, href: '/projects/1', locale: 'en-GB' }));
const marked = renderToString(createElement('p', null, markedToNodes('&lt;script&gt;<mark>x</mark>')));
process.stdout.write(JSON.stringify({ html, marked }));
`;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let file = normalize(join(root, decodeURIComponent(url.pathname)));
      if (!file.startsWith(root + sep) && file !== root) throw new Error('outside root');
      if (!existsSync(file) || (await stat(file)).isDirectory()) file = join(root, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'pc-pack-'));
  const app = join(work, 'app');
  let server;
  let context;
  try {
    step('build the package');
    await run('npm', ['run', 'build'], { cwd: pkgDir });
    const gz = gzipSync(await readFile(join(pkgDir, 'dist', 'index.js'))).length;
    const cssGz = gzipSync(await readFile(join(pkgDir, 'dist', 'project-card.css'))).length;
    console.log(`  dist/index.js ${(gz / 1024).toFixed(2)} KiB gzipped, dist/project-card.css ${(cssGz / 1024).toFixed(2)} KiB gzipped`);

    step('npm pack');
    const [packed] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkgDir }));
    const files = packed.files.map((f) => f.path).sort();
    console.log(`  ${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB`);
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/project-card.css']) {
      check(`tarball has ${f}`, files.includes(f));
    }
    check('tarball holds no sources, tests or scripts', !files.some((f) => /^(src|tests|scripts|node_modules)\//.test(f)), files.join(', '));

    step('write a fresh Vite React app');
    await mkdir(join(app, 'src'), { recursive: true });
    const consumer = {
      name: 'project-card-consumer',
      private: true,
      type: 'module',
      dependencies: { '@pulse-ui/project-card': `file:../${packed.filename}`, ...versions('react', 'react-dom') },
      devDependencies: versions('vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom'),
    };
    await writeFile(join(app, 'package.json'), JSON.stringify(consumer, null, 2));
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], module: 'ESNext', moduleResolution: 'Bundler',
          jsx: 'react-jsx', strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
          noEmit: true, skipLibCheck: false, types: [],
        },
        include: ['src'],
      }),
    );
    await writeFile(join(app, 'vite.config.js'), "import react from '@vitejs/plugin-react';\nexport default { plugins: [react()] };\n");
    await writeFile(
      join(app, 'index.html'),
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pack test</title></head>' +
        '<body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>',
    );
    await writeFile(join(app, 'src', 'main.tsx'), MAIN_TSX);
    await writeFile(join(app, 'ssr.mjs'), SSR_MJS);

    step('npm install --prefer-offline');
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });
    check(
      'the app has one React (the package brings none of its own)',
      !existsSync(join(app, 'node_modules', '@pulse-ui', 'project-card', 'node_modules')),
    );

    step('tsc --noEmit against the shipped .d.ts');
    let typesOk = true;
    let typeErrors = '';
    try {
      await run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app });
    } catch (error) {
      typesOk = false;
      typeErrors = String(error.message).slice(0, 2000);
    }
    check('an API row type-checks as ProjectCardProject under strict settings', typesOk, typeErrors);

    step('server-side render from the installed package');
    const ssr = JSON.parse(await run('node', ['ssr.mjs'], { cwd: app }));
    check('SSR renders the article, heading link and progressbar',
      /<article[^>]*class="pc-card"/.test(ssr.html) && /<a class="pc-card__link" href="\/projects\/1">Checkout revamp &amp; more<\/a>/.test(ssr.html) && ssr.html.includes('role="progressbar"') && ssr.html.includes('aria-valuenow="40"'),
      ssr.html.slice(0, 300));
    check('SSR keeps escaped markup as text', ssr.marked === '<p>&lt;script&gt;<mark class="pc-mark">x</mark></p>', ssr.marked);

    step('vite build');
    await run(join(app, 'node_modules', '.bin', 'vite'), ['build'], { cwd: app });
    const dist = join(app, 'dist');
    check('vite build wrote index.html', existsSync(join(dist, 'index.html')));

    step('load in headless Chromium');
    server = await serve(dist);
    const base = `http://127.0.0.1:${server.address().port}/`;
    const profile = join(work, 'chromium-profile');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 },
      colorScheme: 'light',
      // Also turns off the card's colour transitions, so computed colours are final at once.
      reducedMotion: 'reduce',
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(base);
    await page.locator('article.pc-card').nth(2).waitFor({ timeout: 15_000 });

    const card = page.getByRole('article', { name: 'Checkout revamp & more' });
    check('three cards render', (await page.locator('article.pc-card').count()) === 3);
    check('the title is a heading link', (await card.getByRole('heading', { level: 2 }).getByRole('link', { name: 'Checkout revamp & more' }).count()) === 1);
    check('the match is highlighted', (await card.locator('mark.pc-mark').textContent()) === 'Checkout');
    check('progress is exposed with aria values', (await card.getByRole('progressbar').getAttribute('aria-valuenow')) === '40');
    check('overdue is marked', await card.getByText('Overdue', { exact: true }).isVisible());
    check('the due date is formatted', (await card.locator('time').textContent()) === '30 Jun 2021');
    check('avatars overflow into +2', (await card.locator('.pc-avatar--more').textContent()) === '+2');
    check('the tag on a dark colour gets white text', (await card.getByText('infra').evaluate((el) => getComputedStyle(el).color)) === 'rgb(255, 255, 255)');

    // Keyboard: Tab to the link (focus ring on the whole card), Tab to the health button (tooltip), Esc closes.
    await page.locator('h1').click();
    await page.keyboard.press('Tab');
    const link = card.getByRole('link');
    check('Tab reaches the title link first', await link.evaluate((el) => el === document.activeElement));
    check('the focused link draws a visible ring', (await link.evaluate((el) => getComputedStyle(el, '::after').outlineStyle)) === 'solid');
    await page.keyboard.press('Tab');
    const tooltip = card.getByRole('tooltip');
    check('keyboard focus opens the health tooltip', await tooltip.isVisible());
    check('the tooltip lists the reasons', (await tooltip.textContent())?.includes('Milestone "Beta" is 3 days overdue') === true);
    check('the focused trigger draws a visible ring', (await card.locator('.pc-health__trigger').evaluate((el) => getComputedStyle(el).outlineStyle)) === 'solid');
    await page.screenshot({ path: join(artifacts, 'light-tooltip.png'), fullPage: true });
    await page.keyboard.press('Escape');
    check('Esc closes the tooltip', await tooltip.isHidden());

    // Hover: open on the trigger, stay open on the tooltip, close when the pointer leaves.
    const darkCard = page.getByRole('article', { name: 'Dark card' });
    const darkTip = darkCard.getByRole('tooltip');
    await darkCard.locator('.pc-health__trigger').hover();
    check('hover opens the tooltip', await darkTip.isVisible());
    const box = await darkTip.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    check('the tooltip stays open under the pointer', await darkTip.isVisible());
    await page.mouse.move(5, 5);
    check('the tooltip closes when the pointer leaves', await darkTip.isHidden());

    // Navigation: onNavigate on a plain click, anywhere on the card; renderLink for a router link.
    await link.click();
    // The stretched link covers the card: a click on the due date lands on it.
    const due = await card.locator('.pc-card__meta-item').first().boundingBox();
    await page.mouse.click(due.x + due.width / 2, due.y + due.height / 2);
    const hashAfter = await page.evaluate(() => location.hash);
    await darkCard.getByRole('link', { name: 'Dark card' }).click();
    const navigated = await page.evaluate(() => window.__navigated);
    check('onNavigate gets title and card clicks, the browser does not navigate', navigated[0] === '#/projects/1' && navigated[1] === '#/projects/1' && hashAfter === '', JSON.stringify(navigated));
    check('renderLink renders a router link', navigated[2] === 'router:/projects/2', JSON.stringify(navigated));
    const box2 = darkCard.getByRole('checkbox', { name: 'Select Dark card' });
    await box2.click();
    check('the select checkbox toggles the selected state', !(await darkCard.evaluate((el) => el.hasAttribute('data-selected'))));
    await box2.click();

    // Themes (pointer away: hover changes the background).
    await page.mouse.move(5, 5);
    const bg = (name) => page.getByRole('article', { name }).evaluate((el) => getComputedStyle(el).backgroundColor);
    check('light card is light', (await bg('Checkout revamp & more')) === 'rgb(255, 255, 255)');
    check('a .dark ancestor makes the card dark (selected: its dark selected background)', (await bg('Dark card')) === 'rgb(23, 37, 84)');
    check('with the system light, an unmarked card is light', (await bg('System card')) === 'rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    check('with the system dark, an unmarked card is dark', (await bg('System card')) === 'rgb(15, 23, 42)');
    check('with the system dark, a [data-theme=light] island stays light', (await bg('Checkout revamp & more')) === 'rgb(255, 255, 255)');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    check('data-theme="light" on the root overrides the system dark', (await bg('System card')) === 'rgb(255, 255, 255)');
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));

    // axe with colour contrast, in both schemes, with a tooltip open.
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.mouse.move(5, 5);
      await card.locator('.pc-health__trigger').focus();
      await page.screenshot({ path: join(artifacts, `${scheme}.png`), fullPage: true });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      check(`axe finds no violation (colour contrast included) with the system ${scheme}`, violations.length === 0, violations.join('; '));
    }
    check('no console error or warning', problems.length === 0, problems.join(' | '));
  } finally {
    await context?.close().catch(() => undefined);
    server?.close();
    if (process.env.PACK_TEST_KEEP === '1') console.log(`  kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

await mkdir(artifacts, { recursive: true });
try {
  await main();
} catch (error) {
  failed += 1;
  console.log(`  FAIL ${error.stack ?? error}`);
}
step(`done; screenshots in ${artifacts}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
