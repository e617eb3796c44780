import { ProgressBar } from '@pulse-ui/project-card';

import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { cn } from '@/lib/cn';
import { formatDate, humanize } from '@/lib/format';
import type { Project } from '@/types/models';

import { useMilestones } from '../../api/get-project';

export function MilestonesSection({ project }: { project: Project }) {
  const milestones = useMilestones(project.id);
  return (
    <Panel title="Milestones">
      {milestones.isPending ? (
        <LoadingRows rows={3} label="Loading milestones" />
      ) : milestones.isError ? (
        <ErrorState error={milestones.error} onRetry={() => void milestones.refetch()} />
      ) : milestones.data.results.length === 0 ? (
        <p className="text-sm text-fg-muted">No milestones yet. Progress is set by hand until there are.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-line">
          {milestones.data.results.map((m) => (
            <li key={m.id} className="flex flex-col gap-1 py-2">
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium">{m.title}</span>
                <span className={cn('text-xs', m.is_overdue ? 'text-danger' : 'text-fg-muted')}>
                  {humanize(m.status)} · due {formatDate(m.due_date)}
                </span>
              </div>
              <ProgressBar value={m.progress} label={`Progress of ${m.title}`} />
              {m.assignee && <span className="text-xs text-fg-subtle">{m.assignee.name}</span>}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
