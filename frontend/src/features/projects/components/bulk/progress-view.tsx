import { formatNumber, humanize } from '@/lib/format';

/** Phases after which only the report is still to come. */
const FINAL = new Set(['succeeded', 'failed', 'completed']);

/** A determinate bar for screen readers and eyes, with the count announced politely. */
export function ProgressView({ processed: counted, total, phase, label }: { processed: number; total: number; phase?: string | null; label: string }) {
  // The run has ended and its report is being read: a full bar, not a count that fell back to 0.
  const ended = !!phase && FINAL.has(phase);
  const processed = ended ? total : counted;
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
        {formatNumber(processed)} of {formatNumber(total)} projects
        {ended ? ` · ${humanize(phase)}, reading the report…` : phase && phase !== 'running' ? ` · ${humanize(phase)}` : ''}
      </p>
    </div>
  );
}
