import { useQueryClient } from '@tanstack/react-query';

import { Button } from '@/components/ui/button';
import { humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Project, TransitionName } from '@/types/models';

import { projectKeys } from '../../api/keys';
import { useTransitionProject } from '../../api/transition-project';
import { writeFailedToast } from './write-errors';

const TRANSITION_LABEL: Record<string, string> = { start: 'Start', hold: 'Put on hold', resume: 'Resume', complete: 'Complete', cancel: 'Cancel' };

/** The lifecycle buttons the project's status allows, for those who may edit it. */
export function Transitions({ project }: { project: Project }) {
  const qc = useQueryClient();
  const transition = useTransitionProject(project);
  if (!project.capabilities.can_edit || project.allowed_transitions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label="Lifecycle">
      {project.allowed_transitions.map((name) => (
        <Button
          key={name}
          size="sm"
          variant={name === 'cancel' ? 'ghost' : 'secondary'}
          loading={transition.isPending && transition.variables === name}
          onClick={() =>
            transition.mutate(name as TransitionName, {
              onSuccess: (p) => toast(`Now ${humanize(p.status).toLowerCase()}`, { tone: 'success' }),
              onError: (e) => writeFailedToast(e, () => void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true })),
            })
          }
        >
          {TRANSITION_LABEL[name] ?? humanize(name)}
        </Button>
      ))}
    </div>
  );
}
