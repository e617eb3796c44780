import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Milestone, MilestoneInput, Paginated } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

/** Adds a milestone; the project's progress and health follow it, so the project is refetched too. */
export function useCreateMilestone(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: MilestoneInput) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/milestones/', { params: { path: { project_id: projectId } }, body: input })) as Promise<Milestone>,
    onSuccess: (created) => {
      qc.setQueryData<Paginated<Milestone>>(projectKeys.milestones(projectId), (page) =>
        page ? { ...page, count: page.count + 1, results: [...page.results, created] } : page,
      );
      void qc.invalidateQueries({ queryKey: projectKeys.milestones(projectId) });
      refreshProject(qc, projectId);
    },
  });
}
