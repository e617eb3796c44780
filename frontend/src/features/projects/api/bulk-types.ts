/**
 * The bulk API's shapes (README "Bulk operations"): selections, dry runs, operations with their
 * per-item report and, once succeeded, the body that undoes them.
 */
export type BulkItem = { id: number; etag: string };

export type BulkActionName =
  | 'transition'
  | 'set_health_override'
  | 'clear_health_override'
  | 'add_tags'
  | 'remove_tags'
  | 'replace_tags'
  | 'change_owner'
  | 'shift_due_date'
  | 'set_due_date'
  | 'delete'
  | 'restore'
  | 'undo';

export type BulkParams = Record<string, unknown>;

export type BulkRequest = { action: BulkActionName; params: BulkParams; items: BulkItem[] };

export type ItemResult = 'ok' | 'conflict' | 'forbidden' | 'not_found' | 'invalid';

export type ReportEntry = {
  id: number;
  result: ItemResult;
  etag?: string;
  message?: string;
  /** Dry run, ok items: {field: [before, after]}. */
  changes?: Record<string, [unknown, unknown]>;
  /** Conflicts: who changed the project since the client read it, and what. */
  changed_by?: { id: number; name: string } | null;
  changed_fields?: string[];
};

export type Selection = { count: number; truncated: boolean; items: BulkItem[] };

export type DryRun = {
  dry_run: true;
  action: BulkActionName;
  params: BulkParams;
  total: number;
  results: Partial<Record<ItemResult, number>>;
  report: ReportEntry[];
  fields: Record<string, { count: number }>;
};

export type BulkStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export type BulkOperation = {
  id: number;
  action: BulkActionName;
  params: BulkParams;
  status: BulkStatus;
  total: number;
  processed: number;
  phase: string | null;
  report: ReportEntry[];
  summary: Record<string, unknown>;
  undo?: BulkRequest | null;
};

export const isFinished = (op: Pick<BulkOperation, 'status'> | undefined) => op?.status === 'succeeded' || op?.status === 'failed';
