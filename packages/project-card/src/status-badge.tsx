import type { HTMLAttributes } from 'react';
import { cx } from './class-names';
import type { ProjectStatus } from './types';

export const STATUS_LABELS: Readonly<Record<ProjectStatus, string>> = {
  planning: 'Planning',
  active: 'Active',
  on_hold: 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export interface StatusBadgeProps extends Omit<HTMLAttributes<HTMLSpanElement>, 'children'> {
  status: ProjectStatus;
  /** Visible text; defaults to the status's English label. */
  label?: string | undefined;
  /** Read before the label by screen readers only; `null` for none (e.g. under a "Status" column header). */
  context?: string | null | undefined;
}

/** The project's lifecycle status as a coloured pill. */
export function StatusBadge({ status, label, context = 'Status:', className, ...rest }: StatusBadgeProps) {
  const text = label ?? STATUS_LABELS[status] ?? String(status);
  return (
    <span {...rest} className={cx('pc-status', className)} data-status={status}>
      {context ? (
        <>
          <span className="pc-sr-only">{context}</span>{' '}
        </>
      ) : null}
      {text}
    </span>
  );
}
