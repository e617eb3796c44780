/**
 * The API refuses control characters in text (pulsekit.fields.has_control_chars): C0 (U+0000–U+001F)
 * and DEL (U+007F). None at all in one-line fields (titles, names, reasons); tab, line feed and
 * carriage return only in multi-line ones (descriptions). The forms check first so the message lands
 * on the field before a request is made.
 */
export function hasControlChars(value: string, { multiline = false }: { multiline?: boolean } = {}): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x7f) return true;
    if (code < 0x20 && !(multiline && (code === 0x09 || code === 0x0a || code === 0x0d))) return true;
  }
  return false;
}

export const CONTROL_CHARS_MESSAGE = 'Remove the control characters (invisible codes such as a pasted escape or form feed).';
