import type { BulkItem, BulkRequest, ReportEntry } from '../../api/bulk-types';

/**
 * A failed operation again with the fresh versions: conflicts take the ETag their report entry
 * carries (the version someone else saved), ok items keep theirs; items that cannot change
 * (forbidden, gone, not applicable) are left out and counted.
 */
export function retryRequest(request: BulkRequest, report: ReportEntry[]): { request: BulkRequest; excluded: number } {
  const byId = new Map(report.map((e) => [e.id, e]));
  const items: BulkItem[] = [];
  let excluded = 0;
  for (const item of request.items) {
    const entry = byId.get(item.id);
    if (!entry || entry.result === 'ok') items.push(item);
    else if (entry.result === 'conflict' && entry.etag) items.push({ id: item.id, etag: entry.etag });
    else excluded++;
  }
  return { request: { ...request, items }, excluded };
}

/** An undo without the projects someone changed since ("undo the rest"). */
export function undoRest(undo: BulkRequest, report: ReportEntry[]): BulkRequest {
  const blocked = new Set(report.filter((e) => e.result !== 'ok').map((e) => e.id));
  return { ...undo, items: undo.items.filter((i) => !blocked.has(i.id)) };
}

export const countResults = (report: ReportEntry[]) => {
  const counts: Partial<Record<ReportEntry['result'], number>> = {};
  for (const e of report) counts[e.result] = (counts[e.result] ?? 0) + 1;
  return counts;
};
