/**
 * The API refuses C0 control characters (U+0000–U+001F) in text: none at all in one-line fields
 * (titles, names), tab and newline only in multi-line ones (descriptions). The forms check first so
 * the message lands on the field before a request is made.
 */
export function hasControlChars(value: string, { multiline = false }: { multiline?: boolean } = {}): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 && !(multiline && (code === 0x09 || code === 0x0a))) return true;
  }
  return false;
}

export const CONTROL_CHARS_MESSAGE = 'Remove the control characters (invisible codes such as a pasted escape or form feed).';
