import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { useLiveStore } from '@/stores/live-store';

import { bulkKeys, useBulkOperationQuery } from '../api/bulk-operations';
import { isFinished } from '../api/bulk-types';

/** With no live event for this long, the operation is polled instead. */
export const POLL_MS = 1_000;

const FINAL_PHASES = new Set(['succeeded', 'failed', 'completed']);

/**
 * An operation's progress: `bulk.progress` events from the live store as they come; when none has
 * arrived for a second (socket down, event lost), a GET of the operation every second. Once a
 * final phase is announced the operation (with its report) is read again.
 */
export function useBulkProgress(operationId: number | undefined) {
  const qc = useQueryClient();
  const query = useBulkOperationQuery(operationId);
  const live = useLiveStore((s) => (operationId === undefined ? undefined : s.bulk[operationId]));
  const finished = isFinished(query.data);
  const lastEvent = useRef(0);
  useEffect(() => {
    if (live) lastEvent.current = Date.now();
    if (operationId !== undefined && live && FINAL_PHASES.has(live.phase) && !finished) {
      void qc.invalidateQueries({ queryKey: bulkKeys.operation(operationId) });
    }
  }, [live, operationId, finished, qc]);
  useEffect(() => {
    if (operationId === undefined || finished) return;
    const timer = setInterval(() => {
      if (Date.now() - lastEvent.current >= POLL_MS && !qc.isFetching({ queryKey: bulkKeys.operation(operationId) })) {
        void qc.invalidateQueries({ queryKey: bulkKeys.operation(operationId) });
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [operationId, finished, qc]);
  const op = query.data;
  const total = op?.total ?? live?.total ?? 0;
  const processed = finished ? total : Math.max(op?.processed ?? 0, live && !FINAL_PHASES.has(live.phase) ? live.processed : 0);
  return { query, op, finished, processed, total, phase: live?.phase ?? op?.phase ?? op?.status };
}
