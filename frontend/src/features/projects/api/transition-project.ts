import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { Project, TransitionName } from '@/types/models';

import { projectKeys } from './keys';
import { isProject } from './patch-project';

/**
 * A lifecycle transition with the ETag given (the copy on screen, or the 412's fresher one); the
 * response is the new project. On 412 the server's copy goes into the cache.
 */
export function useTransitionProject(project: Project) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, etag }: { name: TransitionName; etag: string }) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/transitions/{name}/', {
          params: { path: { project_id: String(project.id), name }, header: ifMatch(etag) },
        }),
      ) as Promise<Project>,
    onSuccess: (updated) => {
      qc.setQueryData(projectKeys.detail(project.id), updated);
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.activity(project.id) });
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 412 && isProject(e.current) && e.current.id === project.id) qc.setQueryData(projectKeys.detail(project.id), e.current);
    },
  });
}
