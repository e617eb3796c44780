import { useQueries, useQueryClient } from '@tanstack/react-query';

import { projectQueryOptions } from '../api/get-project';
import { projectKeys } from '../api/keys';
import type { Paginated, Project } from '@/types/models';

/** Titles of a few projects: from the lists and details already held, else one read each. */
export function useProjectTitles(ids: number[], { fetchMissing = true }: { fetchMissing?: boolean } = {}): Map<number, string> {
  const qc = useQueryClient();
  const titles = new Map<number, string>();
  for (const [, page] of qc.getQueriesData<Paginated<Project>>({ queryKey: projectKeys.lists() })) {
    for (const p of page?.results ?? []) titles.set(p.id, p.title);
  }
  const missing = ids.filter((id) => !titles.has(id));
  for (const id of missing) {
    const detail = qc.getQueryData<Project>(projectKeys.detail(id));
    if (detail) titles.set(id, detail.title);
  }
  const fetched = useQueries({
    queries: (fetchMissing ? missing.filter((id) => !titles.has(id)) : []).map((id) => ({ ...projectQueryOptions(id), staleTime: 60_000 })),
  });
  for (const q of fetched) if (q.data) titles.set(q.data.id, q.data.title);
  return titles;
}
