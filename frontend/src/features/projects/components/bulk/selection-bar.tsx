import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';

type Props = {
  count: number;
  /** How many projects match the filters (the list's count). */
  matching: number;
  /** Set once "select all matching" ran. */
  all: { count: number; truncated: boolean } | null;
  selectingAll: boolean;
  selectAllError?: string | null;
  onSelectAll: () => void;
  onClear: () => void;
  onAct: () => void;
};

/** "N selected" with what to do about it: sticky under the list on a desk, a full-width bottom bar on a phone. */
export function SelectionBar({ count, matching, all, selectingAll, selectAllError, onSelectAll, onClear, onAct }: Props) {
  if (count === 0) return null;
  const canSelectAll = !all && matching > count;
  return (
    <>
      {/* On a phone the bar is fixed over the bottom of the page: room for it after the pagination. */}
      <div aria-hidden className="h-20 sm:hidden" />
      <div
        role="region"
        aria-label="Selection"
        className={cn(
          'fixed inset-x-0 bottom-0 z-20 flex flex-wrap items-center gap-2 border-t border-line bg-surface-raised px-4 py-3 shadow-lg',
          'sm:sticky sm:bottom-4 sm:rounded-lg sm:border',
        )}
      >
        <span aria-live="polite" className="text-sm font-medium" data-testid="selection-count">
          {formatNumber(count)} selected
        </span>
        {all?.truncated && (
          <span className="text-xs text-warning">
            Only the first {formatNumber(count)} of {formatNumber(all.count)} matching projects (the limit for one bulk edit).
          </span>
        )}
        {canSelectAll && (
          <Button size="sm" variant="ghost" onClick={onSelectAll} loading={selectingAll}>
            Select all {formatNumber(Math.min(matching, 10_000))} matching
          </Button>
        )}
        {selectAllError && (
          <span role="alert" className="text-xs text-danger">
            {selectAllError}
          </span>
        )}
        <div className="ml-auto flex gap-2">
          <Button size="sm" variant="ghost" onClick={onClear} aria-keyshortcuts="Escape">
            Clear
          </Button>
          <Button size="sm" variant="primary" onClick={onAct}>
            Bulk edit…
          </Button>
        </div>
      </div>
    </>
  );
}
