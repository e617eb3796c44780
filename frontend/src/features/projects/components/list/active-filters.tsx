import { useEffect, useRef } from 'react';

import { Button } from '@/components/ui/button';
import { formatNumber } from '@/lib/format';

import type { ProjectListParams } from '../../api/keys';

/** One active filter as the bar shows it: what it says, and the URL change that removes it. */
export type FilterChip = { key: string; label: string; remove: Partial<ProjectListParams> };

type Props = {
  chips: FilterChip[];
  /** Matching projects; undefined while the first answer is on its way. */
  count: number | undefined;
  onRemove: (patch: Partial<ProjectListParams>) => void;
  onClearAll: () => void;
};

/**
 * The result count, one removable chip per active filter, and "Clear all". Removing a chip hands
 * focus to the chip that takes its place (or the one before); when none is left, to the bar itself,
 * so keyboard users never land on the top of the page.
 */
export function ActiveFilters({ chips, count, onRemove, onClearAll }: Props) {
  const barRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const refocus = useRef<number | null>(null);
  const chipKeys = chips.map((c) => c.key).join('|');
  useEffect(() => {
    const index = refocus.current;
    if (index === null) return;
    refocus.current = null;
    const buttons = listRef.current?.querySelectorAll<HTMLButtonElement>('button[data-remove-filter]');
    const next = buttons?.length ? buttons[Math.min(index, buttons.length - 1)] : undefined;
    (next ?? barRef.current)?.focus();
  }, [chipKeys]);

  const remove = (index: number, patch: Partial<ProjectListParams>) => {
    refocus.current = index;
    onRemove(patch);
  };

  return (
    <div
      ref={barRef}
      tabIndex={-1}
      role="region"
      aria-label="Active filters"
      className="flex flex-wrap items-center gap-1.5 rounded-md text-xs focus-visible:outline-2 focus-visible:outline-accent"
    >
      <p className="mr-1 text-fg-muted" aria-live="polite">
        {count === undefined ? '\u00a0' : `${formatNumber(count)} ${count === 1 ? 'project' : 'projects'}`}
      </p>
      {chips.length > 0 && (
        <>
          <ul ref={listRef} aria-label="Filters in use" className="flex flex-wrap items-center gap-1.5">
            {chips.map((chip, i) => (
              <li key={chip.key} className="inline-flex h-7 items-center gap-0.5 rounded-full border border-line bg-subtle pr-0.5 pl-2.5 text-fg">
                <span>{chip.label}</span>
                <button
                  type="button"
                  data-remove-filter
                  aria-label={`Remove filter ${chip.label}`}
                  onClick={() => remove(i, chip.remove)}
                  onKeyDown={(e) => {
                    if (e.key === 'Backspace' || e.key === 'Delete') {
                      e.preventDefault();
                      remove(i, chip.remove);
                    }
                  }}
                  className="inline-flex size-6 items-center justify-center rounded-full text-fg-muted hover:bg-line hover:text-fg"
                >
                  <span aria-hidden>×</span>
                </button>
              </li>
            ))}
          </ul>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              refocus.current = 0;
              onClearAll();
            }}
          >
            Clear all
          </Button>
        </>
      )}
    </div>
  );
}
