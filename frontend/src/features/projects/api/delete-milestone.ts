import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { Milestone, Paginated } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

/**
 * DELETEs a milestone with the ETag it had when Delete was pressed. The API has no milestone
 * restore, so the page sends this only once its Undo window has passed.
 */
export function useDeleteMilestone(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (milestone: Milestone) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/milestones/{milestone_id}/', {
          params: { path: { project_id: projectId, milestone_id: milestone.id }, header: ifMatch(milestone.etag) },
        }),
      ),
    onSuccess: (_, milestone) => {
      qc.setQueryData<Paginated<Milestone>>(projectKeys.milestones(projectId), (page) =>
        page ? { ...page, count: page.count - 1, results: page.results.filter((m) => m.id !== milestone.id) } : page,
      );
      refreshProject(qc, projectId);
    },
    // A 412 carries the server's copy: the list shows it.
    onError: (e, milestone) => {
      const current = isApiError(e) && e.status === 412 ? (e.current as Milestone | undefined) : undefined;
      if (!current || typeof current !== 'object' || current.id !== milestone.id) return;
      qc.setQueryData<Paginated<Milestone>>(projectKeys.milestones(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === current.id ? current : m)) } : page,
      );
    },
  });
}
