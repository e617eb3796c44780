import { describe, expect, it } from 'vitest';
import { contrastRatio, parseHexColour, readableTextColour, relativeLuminance } from '../src';

describe('contrast helpers', () => {
  it('parses short and long hex colours and refuses anything else', () => {
    expect(parseHexColour('#3b82f6')).toEqual({ r: 59, g: 130, b: 246 });
    expect(parseHexColour('fff')).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseHexColour('#ABC')).toEqual({ r: 170, g: 187, b: 204 });
    for (const bad of ['', '#12', '#12345', '#1234567', 'red', 'rgb(0,0,0)', '#ggg', 'url(x)']) {
      expect(parseHexColour(bad)).toBeNull();
    }
    expect(() => contrastRatio('red', '#fff')).toThrow(TypeError);
  });

  it('matches the WCAG reference values', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBe(1);
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#3b82f6', '#3b82f6')).toBe(1);
  });

  it('chooses the text colour that reads better', () => {
    expect(readableTextColour('#000000')).toBe('#ffffff');
    expect(readableTextColour('#1e3a8a')).toBe('#ffffff');
    expect(readableTextColour('#fde047')).toBe('#000000');
    expect(readableTextColour('#ffffff')).toBe('#000000');
  });

  it('always reaches AA (4.5:1) for any background', () => {
    // Every 17th step per channel, plus the worst case near mid luminance.
    const steps = Array.from({ length: 16 }, (_, i) => i * 17);
    let worst = 21;
    for (const r of steps)
      for (const g of steps)
        for (const b of steps) {
          const bg = { r, g, b };
          worst = Math.min(worst, contrastRatio(bg, readableTextColour(bg)));
        }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});
