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
import { useStaleRetry } from '../merge/stale-confirm';
import { projectChanges } from '../merge/stale-write';
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

/** The question a 412 asks before the transition is tried again on their copy. */
const TRANSITION_QUESTION: Record<string, string> = {
  start: 'Start it anyway?',
  hold: 'Put it on hold anyway?',
  resume: 'Resume it anyway?',
  complete: 'Complete it anyway?',
  cancel: 'Cancel it anyway?',
};

/** The lifecycle buttons the project's status allows, for those who may edit it. */
export function Transitions({ project }: { project: Project }) {
  const qc = useQueryClient();
  const transition = useTransitionProject(project);
  const [asking, setAsking] = useState<string | null>(null);
  const retry = useStaleRetry<Project, Project, TransitionName>({
    projectId: project.id,
    write: (copy, name) => transition.mutateAsync({ name, etag: copy.etag }),
    describe: projectChanges,
    name: (p) => `“${p.title}”`,
    question: (name) => TRANSITION_QUESTION[name] ?? 'Do it anyway?',
    // Their status may not allow it any more: say so instead of a retry that cannot work.
    blocked: (p, name) => {
      if (!p.capabilities.can_edit) return 'You may no longer change its status.';
      return p.allowed_transitions.includes(name) ? null : `It is ${humanize(p.status).toLowerCase()} now, so “${TRANSITION_LABEL[name] ?? humanize(name)}” no longer applies.`;
    },
    onDone: (p) => {
      setAsking(null);
      toast(`Now ${humanize(p.status).toLowerCase()}`, { tone: 'success' });
    },
    onFailed: (e) => {
      setAsking(null);
      writeFailedToast(e, () => void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true }));
    },
    onCancel: () => setAsking(null),
  });
  const run = (name: string) => retry.run(project, name as TransitionName);
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
  const final = asking ? FINAL[asking] : undefined;
  // The dialogs stay mounted when no button is left: a 412 can bring a status that allows none.
  return (
    <>
      {allowed.length > 0 && (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Lifecycle">
          {project.allowed_transitions.map((name) => (
            <Button
              key={name}
              size="sm"
              variant={name === 'cancel' ? 'ghost' : 'secondary'}
              loading={transition.isPending && transition.variables.name === name}
              onClick={() => choose(name)}
            >
              {TRANSITION_LABEL[name] ?? humanize(name)}
            </Button>
          ))}
        </div>
      )}
      <Dialog
        // A 412 swaps the question for what changed meanwhile.
        open={final !== undefined && !retry.asking}
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
      {retry.dialog}
    </>
  );
}
