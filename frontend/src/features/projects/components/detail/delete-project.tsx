import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { errorMessage } from '@/lib/api-error';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { useDeleteProject } from '../../api/delete-project';
import { projectKeys } from '../../api/keys';
import { useRestoreProject } from '../../api/restore-project';
import { isStale, STALE_MESSAGE } from './write-errors';

/** Delete (owner and staff): confirm, DELETE with If-Match, back to the list with an Undo toast. */
export function DeleteProject({ project }: { project: Project }) {
  const [confirming, setConfirming] = useState(false);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const remove = useDeleteProject(project);
  const restore = useRestoreProject();
  if (!project.capabilities.can_delete) return null;

  const undo = () =>
    // Runs after this page is gone: mutateAsync settles without a mounted caller.
    restore.mutateAsync(project.id).then(
      (p) => {
        toast(`Restored “${p.title}”`, { tone: 'success' });
        void navigate(`/projects/${p.id}`);
      },
      (e: unknown) => toast(`Could not restore “${project.title}”. ${errorMessage(e)}`, { tone: 'error' }),
    );

  const confirm = () =>
    remove.mutate(undefined, {
      onSuccess: () => {
        setConfirming(false);
        void navigate('/projects');
        toast('Project deleted', { tone: 'info', durationMs: 10_000, action: { label: 'Undo', onAction: () => void undo() } });
      },
    });

  return (
    <>
      <Button variant="ghost" size="sm" className="text-danger hover:text-danger" onClick={() => setConfirming(true)}>
        Delete project
      </Button>
      <Dialog
        open={confirming}
        onClose={() => {
          setConfirming(false);
          remove.reset();
        }}
        title={`Delete “${project.title}”?`}
        description="It moves to the trash with its milestones and team. The owner or staff can restore it there for 30 days."
        footer={
          <>
            <Button
              onClick={() => {
                setConfirming(false);
                remove.reset();
              }}
            >
              Cancel
            </Button>
            {isStale(remove.error) ? (
              <Button
                variant="primary"
                onClick={() => {
                  remove.reset();
                  void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true });
                }}
              >
                Reload
              </Button>
            ) : (
              <Button variant="danger" loading={remove.isPending} onClick={confirm}>
                Delete project
              </Button>
            )}
          </>
        }
      >
        {remove.isError && (
          <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
            {isStale(remove.error) ? `${STALE_MESSAGE} Reload to see the latest before deleting it.` : errorMessage(remove.error)}
          </p>
        )}
      </Dialog>
    </>
  );
}
