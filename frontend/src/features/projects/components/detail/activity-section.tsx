import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { formatDate, formatDateTime, formatRelative, humanize } from '@/lib/format';
import type { Activity, Project } from '@/types/models';

import { useProjectActivity } from '../../api/get-project';

function formatChange(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === 'string') return humanize(value);
  if (Array.isArray(value)) return value.map(String).join(', ') || '—';
  return String(value);
}

function ActivityItem({ a }: { a: Activity }) {
  const changes = Object.entries((a.changes ?? {}) as Record<string, [unknown, unknown]>);
  return (
    <li className="border-l border-line pb-3 pl-4">
      <p className="text-sm">
        <span className="font-medium">{a.actor?.name ?? 'Pulse'}</span> <span className="text-fg-muted">{humanize(a.verb.replace('.', ' '))}</span>
      </p>
      {changes.length > 0 && (
        <ul className="mt-1 text-xs text-fg-muted">
          {changes.map(([field, pair]) => (
            <li key={field}>
              <span className="font-mono">{field}</span>: {formatChange(pair?.[0])} → {formatChange(pair?.[1])}
            </li>
          ))}
        </ul>
      )}
      <time dateTime={a.created_at} title={formatDateTime(a.created_at)} className="text-xs text-fg-subtle">
        {formatRelative(a.created_at)}
      </time>
    </li>
  );
}

export function ActivitySection({ project }: { project: Project }) {
  const activity = useProjectActivity(project.id);
  return (
    <Panel title="Activity">
      {activity.isPending ? (
        <LoadingRows rows={3} label="Loading activity" />
      ) : activity.isError ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : (
        <ol className="flex flex-col">
          {activity.data.pages.flatMap((page) => page.results).map((a) => (
            <ActivityItem key={a.id} a={a} />
          ))}
        </ol>
      )}
    </Panel>
  );
}
