import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { cn } from '@/lib/cn';
import { formatPercent, humanize } from '@/lib/format';
import type { Project } from '@/types/models';

import { useMembers } from '../../api/get-project';

export function TeamSection({ project }: { project: Project }) {
  const members = useMembers(project.id);
  return (
    <Panel title="Team">
      {members.isPending ? (
        <LoadingRows rows={3} label="Loading the team" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : (
        <ul className="flex flex-col divide-y divide-line">
          {members.data.results.map((m) => (
            <li key={m.id} className="flex items-center justify-between gap-2 py-2 text-sm">
              <span>
                {m.user.name} <span className="text-xs text-fg-muted">{humanize(m.role)}</span>
              </span>
              <span className={cn('text-xs tabular-nums', m.over_allocated ? 'font-medium text-danger' : 'text-fg-muted')}>
                {formatPercent(m.allocation)} here · {formatPercent(m.total_allocation)} in total
                {m.over_allocated ? ' · over-allocated' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
