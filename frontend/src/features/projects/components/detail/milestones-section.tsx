import { ProgressBar } from '@pulse-ui/project-card';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';

import { Button } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { useMe } from '@/features/auth';
import { useCommands } from '@/lib/commands';
import { cn } from '@/lib/cn';
import { formatDate, humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Member, Milestone, MilestoneStatus, Project, Role } from '@/types/models';

import { useDeleteMilestone } from '../../api/delete-milestone';
import { useMembers, useMilestones } from '../../api/get-project';
import { projectKeys } from '../../api/keys';
import { useUpdateMilestone } from '../../api/update-milestone';
import { useStaleRetry } from '../merge/stale-confirm';
import { milestoneChanges } from '../merge/stale-write';
import { MilestoneForm } from './milestone-form';
import { PROJECT_COMMANDS } from './transitions';
import { writeFailedToast } from './write-errors';

// Who may update a milestone assigned to them without being an editor (SPEC §3).
const CONTRIBUTORS: readonly Role[] = ['developer', 'designer', 'qa'];
export const UNDO_MS = 8_000;

const STATUS_TONE: Record<MilestoneStatus, string> = {
  pending: 'bg-subtle text-fg-muted',
  in_progress: 'bg-accent/15 text-fg',
  done: 'bg-success/15 text-success',
  missed: 'bg-danger/10 text-danger',
};

type RowProps = {
  milestone: Milestone;
  project: Project;
  members: Member[];
  canEdit: boolean;
  canUpdate: boolean;
  onDelete: (m: Milestone) => void;
};

function MilestoneRow({ milestone: m, project, members, canEdit, canUpdate, onDelete }: RowProps) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const update = useUpdateMilestone(project.id);
  const reload = () => void qc.invalidateQueries({ queryKey: projectKeys.milestones(project.id) });
  const complete = useStaleRetry<Milestone, Milestone>({
    projectId: project.id,
    write: (copy) => update.mutateAsync({ milestone: copy, changes: { status: 'done' } }),
    describe: milestoneChanges,
    name: (x) => `“${x.title}”`,
    question: 'Mark it done anyway?',
    blocked: (x) => (x.status === 'done' ? 'It is marked done already: nothing left to do.' : null),
    onDone: (done) => toast(`“${done.title}” is done`, { tone: 'success' }),
    onFailed: (e) => writeFailedToast(e, reload),
  });
  const closeForm = () => {
    flushSync(() => setEditing(false));
    editButton.current?.focus();
  };

  return (
    <li className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 flex-col gap-0.5">
          <span className="font-medium break-words">{m.title}</span>
          <span className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-fg-muted">
            <span className={cn('rounded px-1.5 py-0.5 font-medium', STATUS_TONE[m.status])}>{humanize(m.status)}</span>
            <span className={cn(m.is_overdue && 'font-medium text-danger')}>
              {m.due_date ? `Due ${formatDate(m.due_date)}` : 'No due date'}
              {m.is_overdue ? ' (overdue)' : ''}
            </span>
            {m.weight !== 1 && <span>Weight {m.weight}</span>}
            <span>{m.assignee ? m.assignee.name : 'Unassigned'}</span>
          </span>
        </div>
        {canUpdate && !editing && (
          <div className="flex flex-wrap gap-1">
            {m.status !== 'done' && (
              <Button size="sm" onClick={() => complete.run(m, undefined)} loading={update.isPending} aria-label={`Complete ${m.title}`}>
                Complete
              </Button>
            )}
            <Button ref={editButton} size="sm" variant="ghost" onClick={() => setEditing(true)} aria-label={`Edit ${m.title}`}>
              Edit
            </Button>
            {canEdit && (
              <Button size="sm" variant="ghost" className="text-danger hover:text-danger" onClick={() => onDelete(m)} aria-label={`Delete ${m.title}`}>
                Delete
              </Button>
            )}
          </div>
        )}
      </div>
      <ProgressBar value={m.progress} label={`Progress of ${m.title}`} />
      {editing && <MilestoneForm projectId={project.id} members={members} milestone={m} limited={!canEdit} onDone={closeForm} />}
      {complete.dialog}
    </li>
  );
}

/** Milestones: progress bars; create, edit, complete and delete (with Undo) for those allowed. */
export function MilestonesSection({ project }: { project: Project }) {
  const qc = useQueryClient();
  const milestones = useMilestones(project.id);
  const members = useMembers(project.id);
  const me = useMe();
  const remove = useDeleteMilestone(project.id);
  const [creating, setCreating] = useState(false);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const addButton = useRef<HTMLButtonElement>(null);
  const canEdit = project.capabilities.can_edit;
  const contributor = project.my_role !== null && CONTRIBUTORS.includes(project.my_role);
  const team = members.data?.results ?? [];

  const show = (id: number, visible: boolean) =>
    setHidden((s) => {
      const next = new Set(s);
      if (visible) next.delete(id);
      else next.add(id);
      return next;
    });

  const removeFresh = useStaleRetry<Milestone, unknown>({
    projectId: project.id,
    write: (copy) => remove.mutateAsync(copy),
    describe: milestoneChanges,
    name: (x) => `“${x.title}”`,
    question: 'Delete it anyway? A milestone cannot be restored.',
    destructive: true,
    onDone: () => undefined,
    onFailed: (e) => writeFailedToast(e, () => void qc.invalidateQueries({ queryKey: projectKeys.milestones(project.id) })),
  });

  // The API cannot restore a milestone, so the DELETE waits for the Undo window to close. The row
  // shows again if the DELETE meets a newer version; then the dialog asks about it.
  const deleteWithUndo = (m: Milestone) => {
    show(m.id, false);
    addButton.current?.focus(); // the row, and the button pressed, are gone
    toast(`Deleted “${m.title}”`, {
      durationMs: UNDO_MS,
      action: { label: 'Undo', onAction: () => show(m.id, true) },
      onClose: (reason) => {
        if (reason === 'action') return;
        // Gone from the list once the DELETE is done; back with their copy when it met a newer one.
        void removeFresh.start(m, undefined).then(() => show(m.id, true));
      },
    });
  };

  // The palette opens the same form as the button.
  useCommands(
    canEdit
      ? [{ id: 'project.milestone.new', title: 'New milestone', group: PROJECT_COMMANDS, scope: 'page', keywords: ['add', 'create'], run: () => setCreating(true) }]
      : [],
  );

  const closeCreate = () => {
    flushSync(() => setCreating(false));
    addButton.current?.focus();
  };

  const list = milestones.data?.results.filter((m) => !hidden.has(m.id)) ?? [];
  const done = list.filter((m) => m.status === 'done').length;

  return (
    <Panel
      title="Milestones"
      actions={
        canEdit && (
          <Button ref={addButton} size="sm" onClick={() => setCreating(true)} disabled={creating}>
            Add milestone
          </Button>
        )
      }
    >
      {creating && (
        <div className="mb-3">
          <MilestoneForm projectId={project.id} members={team} onDone={closeCreate} />
        </div>
      )}
      {milestones.isPending ? (
        <LoadingRows rows={3} label="Loading milestones" />
      ) : milestones.isError ? (
        <ErrorState error={milestones.error} onRetry={() => void milestones.refetch()} />
      ) : list.length === 0 ? (
        <p className="text-sm text-fg-muted">
          No milestones yet. Progress is set by hand until there are{canEdit ? '; add one to track it by milestone.' : '.'}
        </p>
      ) : (
        <>
          <p className="text-xs text-fg-muted">
            {done} of {list.length} done
          </p>
          <ul className="flex flex-col divide-y divide-line" aria-label="Milestones">
            {list.map((m) => (
              <MilestoneRow
                key={m.id}
                milestone={m}
                project={project}
                members={team}
                canEdit={canEdit}
                canUpdate={canEdit || (contributor && m.assignee !== null && m.assignee.id === me.data?.id)}
                onDelete={deleteWithUndo}
              />
            ))}
          </ul>
        </>
      )}
      {removeFresh.dialog}
    </Panel>
  );
}
