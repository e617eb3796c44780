import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { errorMessage } from '@/lib/api-error';
import { formatRelative } from '@/lib/format';
import { useLiveStore } from '@/stores/live-store';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { useRestoreProject } from '../../api/restore-project';

/**
 * Someone deleted the project while this page was open (a live `project.deleted`): say so plainly,
 * and offer Restore to those who may (owner and staff, the same people who may delete).
 */
export function DeletedBanner({ project }: { project: Project }) {
  const deleted = useLiveStore((s) => s.deleted[project.id]);
  const clearDeleted = useLiveStore((s) => s.clearDeleted);
  const restore = useRestoreProject();
  if (!deleted) return null;
  const onRestore = () =>
    restore.mutate(project.id, {
      onSuccess: (p) => {
        clearDeleted(p.id);
        toast(`Restored “${p.title}”`, { tone: 'success' });
      },
      onError: (e) => toast(`Could not restore “${project.title}”. ${errorMessage(e)}`, { tone: 'error' }),
    });
  return (
    <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-danger/50 bg-danger/10 px-4 py-3 text-sm">
      <p>
        <span className="font-medium">This project was deleted</span>
        {deleted.actor ? ` by ${deleted.actor}` : ''} {formatRelative(deleted.at)}. What you see is its last state; changes can no longer be saved.
      </p>
      <div className="flex items-center gap-2">
        {project.capabilities.can_delete && (
          <Button size="sm" loading={restore.isPending} onClick={onRestore}>
            Restore
          </Button>
        )}
        <Link to="/projects" className="text-sm font-medium text-accent hover:underline">
          Back to projects
        </Link>
      </div>
    </div>
  );
}
