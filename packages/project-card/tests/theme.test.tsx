import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectCard, contrastRatio } from '../src';
import { makeProject } from './fixtures';

const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../src/project-card.css'), 'utf8');

/** Innermost rule blocks that declare --pc- tokens, by selector. */
function tokenBlocks(source: string): Map<string, Record<string, string>> {
  const blocks = new Map<string, Record<string, string>>();
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const [, selector, body] of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const tokens: Record<string, string> = {};
    for (const [, name, value] of (body ?? '').matchAll(/(--pc-[\w-]+)\s*:\s*([^;]+);/g)) {
      tokens[name as string] = (value as string).trim();
    }
    if (Object.keys(tokens).length > 0) blocks.set((selector ?? '').replace(/\s+/g, ' ').trim(), tokens);
  }
  return blocks;
}

const blocks = tokenBlocks(css);
const light = blocks.get(':root, .light, [data-theme="light"]');
const systemDark = blocks.get(':root:not(.light, [data-theme="light"])');
const dark = blocks.get('.dark, [data-theme="dark"]');

const STATUSES = ['planning', 'active', 'on_hold', 'completed', 'cancelled'];
const HEALTHS = ['on_track', 'at_risk', 'off_track'];
const SURFACES = ['--pc-bg', '--pc-bg-hover', '--pc-selected-bg'];

// [foreground, background, minimum ratio]: 4.5 for text, 3 for UI parts (WCAG 1.4.3 / 1.4.11).
const PAIRS: Array<[string, string, number]> = [
  ...SURFACES.flatMap((s): Array<[string, string, number]> => [
    ['--pc-fg', s, 4.5],
    ['--pc-fg-muted', s, 4.5],
    ['--pc-focus', s, 3],
    ['--pc-selected-border', s, 3],
    ...HEALTHS.map((h): [string, string, number] => [`--pc-health-${h}`, s, 3]),
  ]),
  ['--pc-danger', '--pc-danger-bg', 4.5],
  ['--pc-mark-fg', '--pc-mark-bg', 4.5],
  ['--pc-tooltip-fg', '--pc-tooltip-bg', 4.5],
  ['--pc-tag-neutral-fg', '--pc-tag-neutral-bg', 4.5],
  ['--pc-fill', '--pc-track', 3],
  ['--pc-fill-done', '--pc-track', 3],
  ...STATUSES.map((s): [string, string, number] => [`--pc-status-${s}-fg`, `--pc-status-${s}-bg`, 4.5]),
];

describe('theme tokens', () => {
  it('defines a light set, a system dark set and an explicit dark set', () => {
    expect(light).toBeDefined();
    expect(systemDark).toBeDefined();
    expect(dark).toBeDefined();
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)\s*\{\s*:root:not/);
  });

  it('gives dark the same tokens as light, and the system dark set equals the explicit one', () => {
    expect(Object.keys(dark ?? {}).sort()).toEqual(Object.keys(light ?? {}).sort());
    expect(systemDark).toEqual(dark);
  });

  it.each([
    ['light', light],
    ['dark', dark],
  ])('meets AA contrast in the %s theme', (_name, tokens) => {
    const failures = PAIRS.flatMap(([fg, bg, min]) => {
      const a = tokens?.[fg];
      const b = tokens?.[bg];
      if (!a || !b) return [`${fg} or ${bg} missing`];
      const ratio = contrastRatio(a, b);
      return ratio >= min ? [] : [`${fg} ${a} on ${bg} ${b}: ${ratio.toFixed(2)} < ${min}`];
    });
    expect(failures).toEqual([]);
  });
});

describe('theme switching', () => {
  let style: HTMLStyleElement;
  beforeAll(() => {
    style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
  });
  afterAll(() => style.remove());

  const bgOf = (el: Element | null) => (el ? getComputedStyle(el).getPropertyValue('--pc-bg').trim() : '');

  it('uses the light tokens by default and the dark ones under .dark or [data-theme=dark]', () => {
    const { container } = render(
      <>
        <ProjectCard project={makeProject()} data-testid="plain" />
        <div className="dark">
          <ProjectCard project={makeProject()} />
          <div className="light">
            <ProjectCard project={makeProject()} />
          </div>
        </div>
        <div data-theme="dark">
          <ProjectCard project={makeProject()} />
          <div data-theme="light">
            <ProjectCard project={makeProject()} />
          </div>
        </div>
      </>,
    );
    const cards = container.querySelectorAll('.pc-card');
    expect([...cards].map(bgOf)).toEqual([
      light?.['--pc-bg'],
      dark?.['--pc-bg'],
      light?.['--pc-bg'],
      dark?.['--pc-bg'],
      light?.['--pc-bg'],
    ]);
    expect(light?.['--pc-bg']).not.toEqual(dark?.['--pc-bg']);
  });
});
