import type { CSSProperties } from 'react';
import { cx } from './class-names';
import { parseHexColour, readableTextColour } from './contrast';
import type { ProjectCardTag } from './types';

export interface TagChipProps {
  name: string;
  /** `#rrggbb` or `#rgb`; anything else falls back to the theme's neutral chip. */
  colour?: string | undefined;
  className?: string | undefined;
}

/** One tag: its name on its colour, with black or white text, whichever contrasts more. */
export function TagChip({ name, colour, className }: TagChipProps) {
  const rgb = colour ? parseHexColour(colour) : null;
  const style = rgb
    ? ({ '--pc-tag-bg': colour, '--pc-tag-fg': readableTextColour(rgb) } as CSSProperties)
    : undefined;
  return (
    <span className={cx('pc-tag', className)} style={style}>
      {name}
    </span>
  );
}

export interface TagChipsProps {
  tags: readonly ProjectCardTag[];
  /** How many chips to show before "+N". Default: all. */
  max?: number | undefined;
  /** Accessible name of the list. Default "Tags". */
  label?: string | undefined;
  className?: string | undefined;
}

/** The project's tags as a list of chips. */
export function TagChips({ tags, max, label = 'Tags', className }: TagChipsProps) {
  if (tags.length === 0) return null;
  const limit = max === undefined ? tags.length : Math.max(1, Math.floor(max));
  const shown = tags.slice(0, limit);
  const hidden = tags.slice(limit);
  return (
    <ul className={cx('pc-tags', className)} aria-label={label}>
      {shown.map((tag) => (
        <li key={tag.id}>
          <TagChip name={tag.name} colour={tag.colour} />
        </li>
      ))}
      {hidden.length > 0 ? (
        <li>
          <span className="pc-tag pc-tag--more" title={hidden.map((t) => t.name).join(', ')}>
            <span aria-hidden="true">+{hidden.length}</span>
            <span className="pc-sr-only">
              and {hidden.length} more: {hidden.map((t) => t.name).join(', ')}
            </span>
          </span>
        </li>
      ) : null}
    </ul>
  );
}
