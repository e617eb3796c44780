import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };

const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);

const markClass = 'rounded-sm bg-warning/25 text-inherit';

/**
 * The search API's highlighted text (HTML-escaped, `<mark>` around matches) as React nodes: only
 * `<mark>` is understood, everything else stays text, so a title can never inject markup.
 */
export function MarkedText({ html }: { html: string }) {
  const parts = html.split(/(<mark>|<\/mark>)/);
  const nodes: ReactNode[] = [];
  let marked = false;
  parts.forEach((part, i) => {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part)
      nodes.push(
        marked ? (
          <mark key={i} className={markClass}>
            {unescape(part)}
          </mark>
        ) : (
          unescape(part)
        ),
      );
  });
  return <>{nodes}</>;
}

/** `text` with the typed words marked (for command titles, which the server never saw). */
export function MarkedWords({ text, words }: { text: string; words: string[] }) {
  const usable = words.filter((w) => w.length > 0);
  if (!usable.length) return <>{text}</>;
  const pattern = new RegExp(`(${usable.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return (
    <>
      {text.split(pattern).map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className={markClass}>
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </>
  );
}
