import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';

import { toSearchParams } from '../hooks/use-project-filters';
import type { ProjectListParams } from './keys';

import type { BulkOperation, BulkRequest, DryRun, Selection } from './bulk-types';
import { requestJson } from './bulk-request';

export const bulkKeys = {
  all: ['bulk'] as const,
  operation: (id: number) => [...bulkKeys.all, 'operation', id] as const,
};

/** Every project matching the list's filters (at most 10,000), as {id, etag}, in the list's order. */
export function getSelection(params: ProjectListParams): Promise<Selection> {
  const { page: _page, page_size: _size, ...filters } = params;
  const query = toSearchParams(filters).toString();
  return requestJson<Selection>('GET', `/api/v1/projects/selection/${query ? `?${query}` : ''}`);
}

/** What the operation would do, item by item; writes nothing. */
export const previewBulk = (body: BulkRequest) => requestJson<DryRun>('POST', '/api/v1/bulk-operations/', { body: { ...body, dry_run: true } });

/** Queues the operation (202); the same key and body within 24 h give back the same operation. */
export const startBulk = (body: BulkRequest, idempotencyKey: string) =>
  requestJson<BulkOperation>('POST', '/api/v1/bulk-operations/', { body, headers: { 'Idempotency-Key': idempotencyKey } });

export const getBulkOperation = (id: number) => requestJson<BulkOperation>('GET', `/api/v1/bulk-operations/${id}/`);

export const bulkOperationQueryOptions = (id: number) => queryOptions({ queryKey: bulkKeys.operation(id), queryFn: () => getBulkOperation(id) });

export const useBulkOperationQuery = (id: number | undefined) =>
  useQuery({ ...bulkOperationQueryOptions(id ?? 0), enabled: id !== undefined });

export const useSelectAll = () => useMutation({ mutationFn: getSelection });
