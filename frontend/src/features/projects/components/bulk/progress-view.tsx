import { formatNumber, humanize } from '@/lib/format';

/** A determinate bar for screen readers and eyes, with the count announced politely. */
export function ProgressView({ processed, total, phase, label }: { processed: number; total: number; phase?: string | null; label: string }) {
  const percent = total > 0 ? Math.round((processed / total) * 100) : 0;
  return (
    <div className="flex flex-col gap-2" data-testid="bulk-progress">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total || 1}
        aria-valuenow={processed}
        aria-valuetext={`${formatNumber(processed)} of ${formatNumber(total)} projects`}
        className="h-2 w-full overflow-hidden rounded-full bg-subtle"
      >
        <div className="h-full rounded-full bg-accent transition-[width] duration-300" style={{ width: `${percent}%` }} />
      </div>
      <p aria-live="polite" className="text-sm text-fg-muted">
        {formatNumber(processed)} of {formatNumber(total)} projects{phase && phase !== 'running' ? ` · ${humanize(phase)}` : ''}
      </p>
    </div>
  );
}
