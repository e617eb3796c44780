import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { Member, Paginated } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

/** Removes a member; the API unassigns their milestones, so those are refetched too. */
export function useRemoveMember(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (member: Member) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/members/{member_id}/', {
          params: { path: { project_id: projectId, member_id: member.id }, header: ifMatch(member.etag) },
        }),
      ),
    onSuccess: (_, member) => {
      qc.setQueryData<Paginated<Member>>(projectKeys.members(projectId), (page) =>
        page ? { ...page, count: page.count - 1, results: page.results.filter((m) => m.id !== member.id) } : page,
      );
      void qc.invalidateQueries({ queryKey: projectKeys.milestones(projectId) });
      refreshProject(qc, projectId);
    },
    // A 412 carries the server's copy: the list shows it.
    onError: (e, member) => {
      const current = isApiError(e) && e.status === 412 ? (e.current as Member | undefined) : undefined;
      if (!current || typeof current !== 'object' || current.id !== member.id) return;
      qc.setQueryData<Paginated<Member>>(projectKeys.members(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === current.id ? current : m)) } : page,
      );
    },
  });
}
