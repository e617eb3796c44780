import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { components } from '@/types/api';
import type { Milestone, Paginated } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

export type MilestoneChanges = components['schemas']['PatchedMilestoneInputRequest'];

/** PATCHes one milestone with the ETag of the copy on screen; the response replaces it in the list. */
export function useUpdateMilestone(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ milestone, changes }: { milestone: Milestone; changes: MilestoneChanges }) =>
      unwrap(
        api.PATCH('/api/v1/projects/{project_id}/milestones/{milestone_id}/', {
          params: { path: { project_id: projectId, milestone_id: milestone.id }, header: ifMatch(milestone.etag) },
          body: changes,
        }),
      ) as Promise<Milestone>,
    onSuccess: (updated) => {
      qc.setQueryData<Paginated<Milestone>>(projectKeys.milestones(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === updated.id ? updated : m)) } : page,
      );
      refreshProject(qc, projectId);
    },
    // A 412 carries the server's copy: the list shows it, and the open form marks what it changed.
    onError: (e, { milestone }) => {
      const current = isApiError(e) && e.status === 412 ? (e.current as Milestone | undefined) : undefined;
      if (!current || typeof current !== 'object' || current.id !== milestone.id) return;
      qc.setQueryData<Paginated<Milestone>>(projectKeys.milestones(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === current.id ? current : m)) } : page,
      );
    },
  });
}
