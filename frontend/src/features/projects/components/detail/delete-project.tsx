import { useState } from 'react';
import { useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { errorMessage } from '@/lib/api-error';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { useDeleteProject } from '../../api/delete-project';
import { useRestoreProject } from '../../api/restore-project';
import { useStaleRetry } from '../merge/stale-confirm';
import { projectChanges } from '../merge/stale-write';
import { isStale } from './write-errors';

/**
 * Delete (owner and staff): confirm, DELETE with If-Match, back to the list with an Undo toast. A
 * 412 says what changed meanwhile and offers to delete it anyway.
 */
export function DeleteProject({ project }: { project: Project }) {
  const [confirming, setConfirming] = useState(false);
  const navigate = useNavigate();
  const remove = useDeleteProject(project);
  const restore = useRestoreProject();
  const retry = useStaleRetry<Project, unknown>({
    projectId: project.id,
    write: (copy) => remove.mutateAsync(copy.etag),
    describe: projectChanges,
    name: (p) => `“${p.title}”`,
    question: 'Delete it anyway? It moves to the trash, where it can be restored for 30 days.',
    destructive: true,
    blocked: (p) => (p.capabilities.can_delete ? null : 'You may no longer delete it.'),
    onDone: () => {
      setConfirming(false);
      void navigate('/projects');
      toast('Project deleted', { tone: 'info', durationMs: 10_000, action: { label: 'Undo', onAction: () => void undo() } });
    },
    onFailed: () => undefined, // the confirm dialog says why
    onCancel: () => setConfirming(false),
  });

  const undo = () =>
    // Runs after this page is gone: mutateAsync settles without a mounted caller.
    restore.mutateAsync(project.id).then(
      (p) => {
        toast(`Restored “${p.title}”`, { tone: 'success' });
        void navigate(`/projects/${p.id}`);
      },
      (e: unknown) => toast(`Could not restore “${project.title}”. ${errorMessage(e)}`, { tone: 'error' }),
    );

  const close = () => {
    setConfirming(false);
    remove.reset();
  };

  // The dialogs stay mounted without the button: a 412 can bring a version this user may not delete.
  return (
    <>
      {project.capabilities.can_delete && (
        <Button variant="ghost" size="sm" className="text-danger hover:text-danger" onClick={() => setConfirming(true)}>
          Delete project
        </Button>
      )}
      <Dialog
        // A 412 swaps the question for what changed meanwhile.
        open={confirming && !retry.asking && project.capabilities.can_delete}
        onClose={close}
        title={`Delete “${project.title}”?`}
        description="It moves to the trash with its milestones and team. The owner or staff can restore it there for 30 days."
        footer={
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="danger" loading={remove.isPending} onClick={() => retry.run(project, undefined)}>
              Delete project
            </Button>
          </>
        }
      >
        {remove.isError && !isStale(remove.error) && (
          <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
            {errorMessage(remove.error)}
          </p>
        )}
      </Dialog>
      {retry.dialog}
    </>
  );
}
