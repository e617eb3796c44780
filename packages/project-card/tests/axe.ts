import axe from 'axe-core';
import { expect } from 'vitest';

/**
 * Runs axe on a rendered subtree. Colour contrast needs real layout, which
 * jsdom has not: the pack test checks it in Chromium, and tests/theme.test.ts
 * checks the theme tokens' ratios directly.
 */
export async function expectNoAxeViolations(container: Element): Promise<void> {
  const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`);
  expect(found).toEqual([]);
}
