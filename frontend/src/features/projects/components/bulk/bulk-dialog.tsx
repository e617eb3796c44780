import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ErrorState, Spinner } from '@/components/ui/states';
import { errorMessage, isApiError } from '@/lib/api-error';
import { formatNumber } from '@/lib/format';

import { bulkKeys, previewBulk, startBulk } from '../../api/bulk-operations';
import { useBulkProgress } from '../../hooks/use-bulk-progress';
import { actionLabel, buildParams, initialValues, type OfferedAction, type ParamValues } from './actions';
import { useBulkSession } from './bulk-session';
import type { BulkItem, BulkOperation, BulkRequest, DryRun } from '../../api/bulk-types';
import { ActionForm } from './action-form';
import { PreviewView } from './preview-view';
import { ProgressView } from './progress-view';
import { RunReport, type RunMode } from './run-report';

type Step =
  | { kind: 'form' }
  | { kind: 'preview'; request: BulkRequest }
  | { kind: 'run'; request: BulkRequest; operationId: number; mode: RunMode };

type Props = {
  open: boolean;
  onClose: (finished: BulkOperation | null) => void;
  items: BulkItem[];
  /** Start an undo (from the bar) instead; `label` names the edit it undoes. */
  resume?: { request: BulkRequest; mode: RunMode; label: string } | null;
};

const newKey = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

function paramErrors(e: unknown): Record<string, string> {
  if (!isApiError(e)) return {};
  const params = e.details.params;
  if (!params || typeof params !== 'object') return {};
  return Object.fromEntries(Object.entries(params as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
}

type RunStepProps = {
  step: Extract<Step, { kind: 'run' }>;
  busy: boolean;
  onRun: (r: BulkRequest, mode: RunMode) => void;
  onFinished: (op: BulkOperation) => void;
  label: string;
};

const PROGRESS_LABEL: Record<Exclude<RunMode, 'apply'>, string> = { undo: 'Undoing', redo: 'Redoing' };

function RunStep({ step, busy, onRun, onFinished, label }: RunStepProps) {
  const progress = useBulkProgress(step.operationId);
  const done = progress.finished ? progress.op : undefined;
  useEffect(() => {
    if (done) onFinished(done);
  }, [done, onFinished]);
  if (progress.query.isError) return <ErrorState error={progress.query.error} onRetry={() => void progress.query.refetch()} title="Could not read the operation" />;
  if (!progress.finished || !progress.op) {
    return (
      <ProgressView
        processed={progress.processed}
        total={progress.total || step.request.items.length}
        phase={progress.phase}
        label={step.mode === 'apply' ? `${label} progress` : PROGRESS_LABEL[step.mode]}
      />
    );
  }
  return <RunReport op={progress.op} request={step.request} mode={step.mode} busy={busy} onRun={onRun} />;
}

/**
 * The bulk flow over the selected projects: parameters → preview (a dry run) → apply, with live
 * progress → the report, with retry for conflicts and Undo on success.
 */
export function BulkDialog({ open, onClose, items, resume }: Props) {
  const qc = useQueryClient();
  const remember = useBulkSession((s) => s.remember);
  const [action, setAction] = useState<OfferedAction>('transition');
  const [values, setValues] = useState<ParamValues>(initialValues);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const [finishedOp, setFinishedOp] = useState<BulkOperation | null>(null);
  // The edit being applied, undone or redone, by its action's name (an undo's own action is "undo").
  const [label, setLabel] = useState('');
  const preview = useMutation({ mutationFn: previewBulk, onError: (e) => setErrors(paramErrors(e)) });
  const start = useMutation({
    mutationFn: ({ request }: { request: BulkRequest; mode: RunMode }) => startBulk(request, newKey()),
    onSuccess: (op, { request, mode }) => {
      qc.setQueryData(bulkKeys.operation(op.id), op);
      setFinishedOp(null);
      setStep({ kind: 'run', request, operationId: op.id, mode });
    },
  });
  const run = (request: BulkRequest, mode: RunMode) => start.mutate({ request, mode });

  // A fresh dialog each time it opens (or resumes an undo the bar asked for).
  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setStep({ kind: 'form' });
      setErrors({});
      setFinishedOp(null);
      preview.reset();
      start.reset();
      if (resume) setLabel(resume.label);
    }
  }
  useEffect(() => {
    if (open && resume) start.mutate(resume);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per opening
  }, [open, resume]);

  // The last success is what Undo (also from the bar, after closing) works on; an undo offers its
  // own undo there as Redo, and a redo is undoable again.
  const onFinished = useCallback(
    (op: BulkOperation) => {
      setFinishedOp(op);
      if (op.status !== 'succeeded' || step.kind !== 'run') return;
      if (!op.undo) remember(null);
      else remember({ operationId: op.id, label, count: op.total, undo: op.undo, mode: step.mode === 'undo' ? 'redo' : 'undo' });
    },
    [step, remember, label],
  );

  const close = () => onClose(finishedOp && finishedOp.status === 'succeeded' ? finishedOp : null);

  const toPreview = () => {
    const built = buildParams(action, values);
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    const request: BulkRequest = { action, params: built.params, items };
    setStep({ kind: 'preview', request });
    preview.mutate(request);
  };

  const dryRun: DryRun | undefined = step.kind === 'preview' ? preview.data : undefined;
  const okItems = dryRun ? items.filter((i) => dryRun.report.some((e) => e.id === i.id && e.result === 'ok')) : [];
  const title =
    step.kind === 'run' && step.mode !== 'apply'
      ? `${step.mode === 'undo' ? 'Undo' : 'Redo'} the bulk edit`
      : `Bulk edit ${formatNumber(step.kind === 'run' ? step.request.items.length : items.length)} projects`;

  let body: React.ReactNode;
  let footer: React.ReactNode;
  if (step.kind === 'form' && resume) {
    body = start.isError ? null : <Spinner label={resume.mode === 'redo' ? 'Starting the redo' : 'Starting the undo'} />;
    footer = (
      <Button variant="ghost" onClick={close}>
        Close
      </Button>
    );
  } else if (step.kind === 'form') {
    body = (
      <ActionForm
        action={action}
        onAction={(a) => {
          setAction(a);
          setErrors({});
        }}
        values={values}
        onChange={(patch) => setValues((v) => ({ ...v, ...patch }))}
        errors={errors}
      />
    );
    footer = (
      <>
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button variant="primary" onClick={toPreview} disabled={items.length === 0}>
          Preview
        </Button>
      </>
    );
  } else if (step.kind === 'preview') {
    body = preview.isPending ? (
      <Spinner label="Working out what would change" />
    ) : preview.isError ? (
      <p role="alert" className="text-sm text-danger">
        {errorMessage(preview.error)}
      </p>
    ) : dryRun ? (
      <PreviewView preview={dryRun} />
    ) : null;
    footer = (
      <>
        <Button variant="ghost" onClick={() => setStep({ kind: 'form' })}>
          Back
        </Button>
        <Button
          variant={step.request.action === 'delete' ? 'danger' : 'primary'}
          disabled={!dryRun || okItems.length === 0}
          loading={start.isPending}
          onClick={() => {
            setLabel(actionLabel(step.request.action));
            run({ ...step.request, items: okItems }, 'apply');
          }}
        >
          Apply to {formatNumber(okItems.length)} projects
        </Button>
      </>
    );
  } else {
    body = <RunStep key={step.operationId} step={step} busy={start.isPending} onRun={run} onFinished={onFinished} label={label} />;
    footer = (
      <Button variant="ghost" onClick={close}>
        Close
      </Button>
    );
  }
  return (
    <Dialog open={open} onClose={close} title={title} className="w-[min(40rem,calc(100vw-2rem))]">
      {body}
      {start.isError && (
        <p role="alert" className="text-sm text-danger">
          {errorMessage(start.error)}
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">{footer}</div>
    </Dialog>
  );
}
