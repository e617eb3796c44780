import { useQuery } from '@tanstack/react-query';

import type { ProjectStatus } from '@/types/models';

import { projectsQueryOptions } from './get-projects';

/** Statuses whose allocations count towards a person's load (the API's "open" projects). */
export const OPEN_STATUSES: readonly ProjectStatus[] = ['planning', 'active', 'on_hold'];

export type PersonLoad = { total: number; projects: number };

/**
 * Someone's allocation on the open projects the caller can see, other than `exceptProjectId`.
 * The API gives exact totals only for people already on the team (`total_allocation`); for
 * anyone else this is what the visible projects' member lists add up to, a lower bound.
 */
export function usePersonLoad(userId: number | null, exceptProjectId: number) {
  return useQuery({
    ...projectsQueryOptions({ member: userId ?? 0, status: [...OPEN_STATUSES], page_size: 100 }),
    placeholderData: undefined,
    enabled: userId !== null,
    select: (page): PersonLoad => {
      const others = page.results.filter((p) => p.id !== exceptProjectId);
      const total = others.reduce((sum, p) => sum + (p.members.find((m) => m.user.id === userId)?.allocation ?? 0), 0);
      return { total, projects: others.length };
    },
  });
}
