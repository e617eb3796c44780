import { Button } from '@/components/ui/button';
import { formatNumber } from '@/lib/format';

import { retryRequest, undoRest } from './retry';
import type { BulkOperation, BulkRequest } from '../../api/bulk-types';
import { ProblemList } from './problem-list';

/** What the operation was: the edit itself, its undo, or the undo's undo (a redo). */
export type RunMode = 'apply' | 'undo' | 'redo';

type Props = {
  op: BulkOperation;
  request: BulkRequest;
  mode: RunMode;
  busy: boolean;
  onRun: (request: BulkRequest, mode: RunMode) => void;
};

const DONE: Record<RunMode, (n: string) => string> = {
  apply: (n) => `Done: ${n} projects changed.`,
  undo: (n) => `Undone: ${n} projects are back as they were.`,
  redo: (n) => `Redone: ${n} projects changed again.`,
};

/**
 * A finished operation: on success what changed and the way back (Undo; after an undo, Redo, which
 * the API runs as the undo's own undo); on failure why, per item, and a way on.
 */
export function RunReport({ op, request, mode, busy, onRun }: Props) {
  const changed = typeof op.summary.changed === 'number' ? op.summary.changed : op.total;
  if (op.status === 'succeeded') {
    const next: RunMode = mode === 'undo' ? 'redo' : 'undo';
    return (
      <div className="flex flex-col gap-3" data-testid="bulk-report">
        <p role="status" className="text-sm font-medium text-success">
          {DONE[mode](formatNumber(changed))}
        </p>
        {op.undo && (
          <div>
            <Button onClick={() => op.undo && onRun(op.undo, next)} loading={busy}>
              {next === 'redo' ? 'Redo' : 'Undo'}
            </Button>
          </div>
        )}
      </div>
    );
  }
  const conflicts = op.report.filter((e) => e.result === 'conflict').length;
  if (mode !== 'apply') {
    const rest = undoRest(request, op.report);
    const verb = mode === 'undo' ? 'undone' : 'redone';
    return (
      <div className="flex flex-col gap-3" data-testid="bulk-report">
        <p role="alert" className="text-sm font-medium text-danger">
          Nothing was {verb}: {formatNumber(op.report.filter((e) => e.result !== 'ok').length)} projects could not be {verb} because someone changed them since.
        </p>
        <ProblemList report={op.report} />
        {rest.items.length > 0 && (
          <div>
            <Button onClick={() => onRun(rest, mode)} loading={busy}>
              {mode === 'undo' ? 'Undo' : 'Redo'} the rest ({formatNumber(rest.items.length)})
            </Button>
          </div>
        )}
      </div>
    );
  }
  const retry = retryRequest(request, op.report);
  const error = typeof op.summary.error === 'string' ? op.summary.error : null;
  return (
    <div className="flex flex-col gap-3" data-testid="bulk-report">
      <p role="alert" className="text-sm font-medium text-danger">
        Nothing changed{error ? ': the operation failed on the server.' : `: ${formatNumber(op.report.filter((e) => e.result !== 'ok').length)} of ${formatNumber(op.total)} projects could not be changed.`}
      </p>
      <ProblemList report={op.report} />
      {conflicts > 0 && retry.request.items.length > 0 && (
        <div className="flex flex-col items-start gap-1">
          <Button variant="primary" onClick={() => onRun(retry.request, 'apply')} loading={busy}>
            Retry with the fresh versions
          </Button>
          <p className="text-xs text-fg-muted">
            {formatNumber(retry.request.items.length)} projects
            {retry.excluded > 0 && `; ${formatNumber(retry.excluded)} that cannot change are left out`}.
          </p>
        </div>
      )}
    </div>
  );
}
