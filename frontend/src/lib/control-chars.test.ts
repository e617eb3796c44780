import { describe, expect, it } from 'vitest';

import { hasControlChars } from './control-chars';

// The server's rule, character by character (backend: pulsekit.fields.has_control_chars).
const codes = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f];

describe('hasControlChars', () => {
  it('refuses every C0 control and DEL on one line', () => {
    for (const code of codes) {
      expect(hasControlChars(`a${String.fromCharCode(code)}b`), `U+${code.toString(16)}`).toBe(true);
    }
  });

  it('keeps only tab, line feed and carriage return in multi-line text', () => {
    for (const code of codes) {
      const allowed = code === 0x09 || code === 0x0a || code === 0x0d;
      expect(hasControlChars(`a${String.fromCharCode(code)}b`, { multiline: true }), `U+${code.toString(16)}`).toBe(
        !allowed,
      );
    }
    expect(hasControlChars('first line\r\nsecond\tline\n', { multiline: true })).toBe(false);
  });

  it('accepts ordinary text, including non-ASCII and non-breaking spaces', () => {
    expect(hasControlChars('Café — naïve ✓\u00a0\u200b')).toBe(false);
    expect(hasControlChars(' ~')).toBe(false);
  });
});
