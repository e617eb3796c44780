import type { QueryClient } from '@tanstack/react-query';

import { projectKeys } from './keys';

/**
 * After any write on a project or its milestones and team: the project's version moved (and maybe
 * its progress and health), so its detail (exactly, not its sub-queries), activity and the lists
 * are refetched.
 */
export function refreshProject(qc: QueryClient, projectId: number) {
  void qc.invalidateQueries({ queryKey: projectKeys.detail(projectId), exact: true });
  void qc.invalidateQueries({ queryKey: projectKeys.activity(projectId) });
  void qc.invalidateQueries({ queryKey: projectKeys.lists() });
}
