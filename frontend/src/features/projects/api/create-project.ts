import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Project, ProjectInput } from '@/types/models';

import { projectKeys } from './keys';

/** POST /projects/ (201 with the new project, its Location and ETag); the caller becomes its owner. */
export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ProjectInput) => unwrap(api.POST('/api/v1/projects/', { body: input })) as Promise<Project>,
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(project.id), project);
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
    },
  });
}
