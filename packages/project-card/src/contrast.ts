/**
 * Colour contrast per WCAG 2.2 (relative luminance and contrast ratio), used to
 * pick a readable text colour for a tag or avatar whose background is data.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#rgb` or `#rrggbb` (the `#` optional) to channels 0–255; null for anything else. */
export function parseHexColour(input: string): Rgb | null {
  const match = HEX.exec(input.trim());
  if (!match?.[1]) return null;
  let hex = match[1];
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  const value = Number.parseInt(hex, 16);
  return { r: (value >> 16) & 255, g: (value >> 8) & 255, b: value & 255 };
}

function toRgb(colour: Rgb | string): Rgb {
  if (typeof colour !== 'string') return colour;
  const rgb = parseHexColour(colour);
  if (!rgb) throw new TypeError(`Not a hex colour: ${JSON.stringify(colour)}`);
  return rgb;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(colour: Rgb | string): number {
  const { r, g, b } = toRgb(colour);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Contrast ratio between two colours, 1 to 21. AA asks 4.5 for text, 3 for large text and UI parts. */
export function contrastRatio(a: Rgb | string, b: Rgb | string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Black or white, whichever reads better on `background`. One of the two always
 * reaches at least 4.58:1, so any background gets AA text.
 */
export function readableTextColour(background: Rgb | string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}
