import type { ReactNode } from 'react';

/** Marks the query's words in `text` as React nodes (no HTML parsing: titles are shown as text). */
export function highlightWords(text: string, query: string | undefined): ReactNode {
  const words = (query ?? '')
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((w) => w.length > 1);
  if (!words.length) return text;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return text.split(pattern).map((part, i) =>
    i % 2 === 1 ? (
      <mark key={i} className="rounded-sm bg-warning/25 text-inherit">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}
