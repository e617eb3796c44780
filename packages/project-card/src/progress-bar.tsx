import type { HTMLAttributes } from 'react';
import { cx } from './class-names';

export interface ProgressBarProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'role'> {
  /** Current value, clamped to 0…max. */
  value: number;
  max?: number | undefined;
  /** Accessible name; defaults to "Progress". Pass `aria-labelledby` instead to point at visible text. */
  label?: string | undefined;
  /** What a screen reader says for the value; defaults to the percentage. */
  valueText?: string | undefined;
  /** Show the percentage next to the bar. Default true. */
  showValue?: boolean | undefined;
}

function percentage(value: number, max: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(max) || max <= 0) return 0;
  return Math.round((Math.min(Math.max(value, 0), max) / max) * 100);
}

/** A determinate progress bar (`role="progressbar"` with its aria values). */
export function ProgressBar({
  value,
  max = 100,
  label,
  valueText,
  showValue = true,
  className,
  'aria-labelledby': labelledBy,
  ...rest
}: ProgressBarProps) {
  const safeMax = Number.isFinite(max) && max > 0 ? max : 100;
  const now = Number.isFinite(value) ? Math.min(Math.max(value, 0), safeMax) : 0;
  const pct = percentage(now, safeMax);
  return (
    <div {...rest} className={cx('pc-progress', className)}>
      <div
        className="pc-progress__track"
        role="progressbar"
        aria-label={labelledBy ? undefined : (label ?? 'Progress')}
        aria-labelledby={labelledBy}
        aria-valuemin={0}
        aria-valuemax={safeMax}
        aria-valuenow={now}
        aria-valuetext={valueText ?? `${pct}%`}
      >
        <div className="pc-progress__fill" style={{ width: `${pct}%` }} />
      </div>
      {showValue ? (
        <span className="pc-progress__value" aria-hidden="true">
          {pct}%
        </span>
      ) : null}
    </div>
  );
}
