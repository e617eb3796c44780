import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useCommands } from '@/lib/commands';
import { humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Project, TransitionName } from '@/types/models';

import { projectKeys } from '../../api/keys';
import { useTransitionProject } from '../../api/transition-project';
import { writeFailedToast } from './write-errors';

const TRANSITION_LABEL: Record<string, string> = { start: 'Start', hold: 'Put on hold', resume: 'Resume', complete: 'Complete', cancel: 'Cancel project' };

/** The same transitions in the command palette; an ellipsis where a confirmation comes first. */
const TRANSITION_COMMAND: Record<string, string> = {
  start: 'Start project',
  hold: 'Put project on hold',
  resume: 'Resume project',
  complete: 'Complete project…',
  cancel: 'Cancel project…',
};

/** The palette's heading for what the project page can do. */
export const PROJECT_COMMANDS = 'This project';

/** Transitions that end the project's life: asked about first, since nothing in the app undoes them. */
const FINAL: Record<string, { title: string; description: string; confirm: string }> = {
  complete: {
    title: 'Complete',
    description: 'It leaves the open projects and the lifecycle ends here: a completed project cannot be reopened.',
    confirm: 'Complete project',
  },
  cancel: {
    title: 'Cancel',
    description: 'It leaves the open projects and the lifecycle ends here: a cancelled project cannot be restarted.',
    confirm: 'Cancel project',
  },
};

/** The lifecycle buttons the project's status allows, for those who may edit it. */
export function Transitions({ project }: { project: Project }) {
  const qc = useQueryClient();
  const transition = useTransitionProject(project);
  const [asking, setAsking] = useState<string | null>(null);
  const run = (name: string) =>
    transition.mutate(name as TransitionName, {
      onSuccess: (p) => {
        setAsking(null);
        toast(`Now ${humanize(p.status).toLowerCase()}`, { tone: 'success' });
      },
      onError: (e) => {
        setAsking(null);
        writeFailedToast(e, () => void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true }));
      },
    });
  // The final transitions ask first, from a button or from the palette.
  const choose = (name: string) => (FINAL[name] ? setAsking(name) : run(name));
  const allowed = project.capabilities.can_edit ? project.allowed_transitions : [];
  useCommands(
    allowed.map((name) => ({
      id: `project.transition.${name}`,
      title: TRANSITION_COMMAND[name] ?? humanize(name),
      group: PROJECT_COMMANDS,
      scope: 'page' as const,
      keywords: ['status', 'lifecycle', name],
      run: () => choose(name),
    })),
  );
  if (allowed.length === 0) return null;
  const final = asking ? FINAL[asking] : undefined;
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label="Lifecycle">
      {project.allowed_transitions.map((name) => (
        <Button
          key={name}
          size="sm"
          variant={name === 'cancel' ? 'ghost' : 'secondary'}
          loading={transition.isPending && transition.variables === name}
          onClick={() => choose(name)}
        >
          {TRANSITION_LABEL[name] ?? humanize(name)}
        </Button>
      ))}
      <Dialog
        open={final !== undefined}
        onClose={() => setAsking(null)}
        title={final ? `${final.title} “${project.title}”?` : ''}
        description={final?.description}
        footer={
          <>
            <Button onClick={() => setAsking(null)}>Keep it open</Button>
            <Button variant={asking === 'cancel' ? 'danger' : 'primary'} loading={transition.isPending} onClick={() => asking && run(asking)}>
              {final?.confirm}
            </Button>
          </>
        }
      />
    </div>
  );
}
