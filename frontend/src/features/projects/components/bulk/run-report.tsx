import { Button } from '@/components/ui/button';
import { formatNumber } from '@/lib/format';

import { retryRequest, undoRest } from './retry';
import type { BulkOperation, BulkRequest } from '../../api/bulk-types';
import { ProblemList } from './problem-list';

type Props = {
  op: BulkOperation;
  request: BulkRequest;
  /** The operation was itself an undo. */
  isUndo: boolean;
  busy: boolean;
  onRun: (request: BulkRequest, isUndo: boolean) => void;
};

/** A finished operation: on success what changed and Undo; on failure why, per item, and a way on. */
export function RunReport({ op, request, isUndo, busy, onRun }: Props) {
  const changed = typeof op.summary.changed === 'number' ? op.summary.changed : op.total;
  if (op.status === 'succeeded') {
    return (
      <div className="flex flex-col gap-3" data-testid="bulk-report">
        <p role="status" className="text-sm font-medium text-success">
          {isUndo ? `Undone: ${formatNumber(changed)} projects are back as they were.` : `Done: ${formatNumber(changed)} projects changed.`}
        </p>
        {!isUndo && op.undo && (
          <div>
            <Button onClick={() => op.undo && onRun(op.undo, true)} loading={busy}>
              Undo
            </Button>
          </div>
        )}
      </div>
    );
  }
  const conflicts = op.report.filter((e) => e.result === 'conflict').length;
  if (isUndo) {
    const rest = undoRest(request, op.report);
    return (
      <div className="flex flex-col gap-3" data-testid="bulk-report">
        <p role="alert" className="text-sm font-medium text-danger">
          Nothing was undone: {formatNumber(op.report.filter((e) => e.result !== 'ok').length)} projects could not be undone because someone changed them since.
        </p>
        <ProblemList report={op.report} />
        {rest.items.length > 0 && (
          <div>
            <Button onClick={() => onRun(rest, true)} loading={busy}>
              Undo the rest ({formatNumber(rest.items.length)})
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
          <Button variant="primary" onClick={() => onRun(retry.request, false)} loading={busy}>
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
