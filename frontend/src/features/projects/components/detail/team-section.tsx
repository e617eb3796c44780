import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { useCommands } from '@/lib/commands';
import { formatPercent } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Member, Project } from '@/types/models';

import { useMembers } from '../../api/get-project';
import { useRemoveMember } from '../../api/remove-member';
import { AddMemberForm, EditMemberForm, roleLabel } from './member-forms';
import { PROJECT_COMMANDS } from './transitions';
import { useStaleRetry } from '../merge/stale-confirm';
import { memberChanges } from '../merge/stale-write';

type RemoveProps = { project: Project; member: Member; pending: boolean; error: unknown; onConfirm: () => void; onClose: () => void };

function RemoveMemberDialog({ project, member, pending, error, onConfirm, onClose }: RemoveProps) {
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Remove ${member.user.name} from the team?`}
      description={`They lose access to “${project.title}” unless they own it. Milestones assigned to them become unassigned.`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" loading={pending} onClick={onConfirm}>
            Remove
          </Button>
        </>
      }
    >
      {error !== null && error !== undefined && (
        <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
          {errorMessage(error)}
        </p>
      )}
    </Dialog>
  );
}

function MemberRow({ project, member: m, canManage, onRemove }: { project: Project; member: Member; canManage: boolean; onRemove: (m: Member) => void }) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const isOwner = m.user.id === project.owner.id;
  const closeForm = () => {
    flushSync(() => setEditing(false));
    editButton.current?.focus();
  };
  return (
    <li className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 flex-col gap-0.5">
          <span className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium break-words">{m.user.name}</span>
            <span className="text-xs text-fg-muted">{roleLabel(m.role)}</span>
            {isOwner && <span className="rounded bg-subtle px-1.5 py-0.5 text-xs text-fg-muted">Owner</span>}
          </span>
          <span className="truncate text-xs text-fg-subtle">{m.user.email}</span>
          <span className={cn('text-xs tabular-nums', m.over_allocated ? 'font-medium text-danger' : 'text-fg-muted')}>
            {formatPercent(m.allocation)} here · {formatPercent(m.total_allocation)} across open projects
            {m.over_allocated ? ' · over-allocated' : ''}
          </span>
        </div>
        {canManage && !editing && (
          <div className="flex flex-wrap gap-1">
            <Button ref={editButton} size="sm" variant="ghost" onClick={() => setEditing(true)} aria-label={`Edit ${m.user.name}`}>
              Edit
            </Button>
            {!isOwner && (
              <Button size="sm" variant="ghost" className="text-danger hover:text-danger" onClick={() => onRemove(m)} aria-label={`Remove ${m.user.name}`}>
                Remove
              </Button>
            )}
          </div>
        )}
      </div>
      {editing && <EditMemberForm project={project} member={m} onDone={closeForm} />}
    </li>
  );
}

/** The team with each person's allocation here and in total; add, edit and remove for those allowed. */
export function TeamSection({ project }: { project: Project }) {
  const members = useMembers(project.id);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const remove = useRemoveMember(project.id);
  const stopRemoving = () => {
    setRemoving(null);
    setFailure(null);
  };
  // A 412 says what changed about them meanwhile (their role, their allocation) and asks again.
  const retry = useStaleRetry<Member, unknown, Member>({
    projectId: project.id,
    write: (copy) => remove.mutateAsync(copy),
    describe: memberChanges,
    name: (m) => m.user.name,
    question: 'Remove them anyway?',
    destructive: true,
    onDone: (_, member) => {
      toast(`Removed ${member.user.name} from the team`, { tone: 'success' });
      stopRemoving();
      // The row and its Remove button are gone; the dialog would hand focus back to nothing.
      setTimeout(() => addButton.current?.focus(), 0);
    },
    onFailed: setFailure,
    onCancel: stopRemoving,
  });
  const canManage = project.capabilities.can_manage_team;
  const team = members.data?.results ?? [];
  // The palette opens the same form as the button.
  useCommands(
    canManage
      ? [{ id: 'project.member.add', title: 'Add member', group: PROJECT_COMMANDS, scope: 'page', keywords: ['team', 'person', 'people', 'invite'], run: () => setAdding(true) }]
      : [],
  );
  const closeAdd = () => {
    flushSync(() => setAdding(false));
    addButton.current?.focus();
  };
  return (
    <Panel
      title="Team"
      actions={
        canManage && (
          <Button ref={addButton} size="sm" onClick={() => setAdding(true)} disabled={adding}>
            Add member
          </Button>
        )
      }
    >
      {adding && <AddMemberForm project={project} members={team} onDone={closeAdd} />}
      {members.isPending ? (
        <LoadingRows rows={3} label="Loading the team" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : team.length === 0 ? (
        <p className="text-sm text-fg-muted">No one is on the team yet.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-line" aria-label="Team members">
          {team.map((m) => (
            <MemberRow key={m.id} project={project} member={m} canManage={canManage} onRemove={setRemoving} />
          ))}
        </ul>
      )}
      {removing && !retry.asking && (
        <RemoveMemberDialog
          project={project}
          member={removing}
          pending={remove.isPending}
          error={failure}
          onConfirm={() => retry.run(removing, removing)}
          onClose={stopRemoving}
        />
      )}
      {retry.dialog}
    </Panel>
  );
}
