import type { ReactNode } from 'react';
import type { TitleSegment } from './types';

/** Thrown when a highlighted string holds anything but escaped text and `<mark>` pairs. */
export class MarkupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkupError';
  }
}

export interface ParseMarkedTextOptions {
  /**
   * What to do with input that is not escaped text with `<mark>` pairs:
   * `'throw'` (default) raises a `MarkupError`; `'text'` returns the whole input
   * as one plain segment (React escapes it, so it is still safe to render).
   */
  onInvalid?: 'throw' | 'text' | undefined;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,6}));/;
const OPEN = '<mark>';
const CLOSE = '</mark>';

function decodeEntity(input: string, at: number): [string, number] {
  const match = ENTITY.exec(input.slice(at, at + 12));
  if (!match) throw new MarkupError(`Unescaped "&" at ${at}`);
  const [whole, decimal, hex, name] = match;
  if (name !== undefined) {
    const char = NAMED[name];
    if (char === undefined) throw new MarkupError(`Unknown entity "${whole}" at ${at}`);
    return [char, whole.length];
  }
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
  const invalid = code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff);
  if (invalid) throw new MarkupError(`Invalid character reference "${whole}" at ${at}`);
  return [String.fromCodePoint(code), whole.length];
}

function parseStrict(input: string): TitleSegment[] {
  const segments: TitleSegment[] = [];
  let text = '';
  let inMark = false;
  const flush = () => {
    if (!text) return;
    const last = segments.at(-1);
    if (last && last.highlighted === inMark) last.text += text;
    else segments.push({ text, highlighted: inMark });
    text = '';
  };
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    if (char === '<') {
      if (!inMark && input.startsWith(OPEN, i)) {
        flush();
        inMark = true;
        i += OPEN.length;
      } else if (inMark && input.startsWith(CLOSE, i)) {
        flush();
        inMark = false;
        i += CLOSE.length;
      } else {
        const found = input.slice(i, i + 20);
        throw new MarkupError(`Only <mark>…</mark> is allowed, found ${JSON.stringify(found)} at ${i}`);
      }
    } else if (char === '&') {
      const [decoded, length] = decodeEntity(input, i);
      text += decoded;
      i += length;
    } else {
      text += char;
      i += 1;
    }
  }
  if (inMark) throw new MarkupError('Unclosed <mark>');
  flush();
  return segments;
}

/**
 * Turns an HTML-escaped string whose only markup is `<mark>…</mark>` (as the
 * search API returns `title_highlighted`) into segments, decoding `&amp;`,
 * `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references. Any other tag,
 * an unescaped `&`, nested or unbalanced marks are refused. No HTML is ever
 * interpreted: the segments are plain text.
 */
export function parseMarkedText(input: string, options: ParseMarkedTextOptions = {}): TitleSegment[] {
  try {
    return parseStrict(input);
  } catch (error) {
    if (options.onInvalid === 'text' && error instanceof MarkupError) {
      return input ? [{ text: input, highlighted: false }] : [];
    }
    throw error;
  }
}

/** Segments to React nodes: strings, and `<mark className="pc-mark">` for matches. */
export function renderSegments(segments: readonly TitleSegment[]): ReactNode[] {
  return segments.map((segment, index) =>
    segment.highlighted ? (
      <mark key={index} className="pc-mark">
        {segment.text}
      </mark>
    ) : (
      segment.text
    ),
  );
}

/** `parseMarkedText` then `renderSegments`: a `<mark>` snippet to React nodes, without `dangerouslySetInnerHTML`. */
export function markedToNodes(input: string, options: ParseMarkedTextOptions = {}): ReactNode[] {
  return renderSegments(parseMarkedText(input, options));
}
