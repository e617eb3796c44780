import { useMemo } from 'react';

import { Button } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { activitySentence, changeLines, type PeopleById } from '@/lib/activity-format';
import { errorMessage } from '@/lib/api-error';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Activity, Project } from '@/types/models';

import { useMembers, useProjectActivity } from '../../api/get-project';

function ActivityItem({ a, people }: { a: Activity; people: PeopleById }) {
  const lines = changeLines(a, people);
  return (
    <li className="relative border-l border-line pb-4 pl-4 last:pb-0">
      <span className="absolute top-1.5 -left-1 size-2 rounded-full bg-line" aria-hidden />
      <p className="text-sm">
        <span className="font-medium">{a.actor?.name ?? 'Pulse'}</span> <span className="text-fg-muted">{activitySentence(a)}</span>
      </p>
      {lines.length > 0 && (
        <ul className="mt-1 flex flex-col gap-0.5 text-xs text-fg-muted">
          {lines.map((line) => (
            <li key={line.field} className="break-words">
              <span className="font-medium text-fg">{line.label}</span>:{' '}
              {line.before === null ? (
                line.after
              ) : (
                <>
                  {line.before} <span aria-hidden>→</span> <span className="sr-only">changed to </span>
                  {line.after}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <time dateTime={a.created_at} title={formatDateTime(a.created_at)} className="mt-0.5 block text-xs text-fg-subtle">
        {formatRelative(a.created_at)}
      </time>
    </li>
  );
}

/** Everything that happened to the project, newest first, a page at a time. */
export function ActivitySection({ project }: { project: Project }) {
  const activity = useProjectActivity(project.id);
  const members = useMembers(project.id);
  // Person ids in the diffs (assignee, member) read as names where the team or the row knows them.
  const people = useMemo(() => {
    const map = new Map<number, string>([[project.owner.id, project.owner.name]]);
    for (const m of members.data?.results ?? []) map.set(m.user.id, m.user.name);
    for (const page of activity.data?.pages ?? [])
      for (const a of page.results) {
        const id = a.metadata?.user_id ?? (a.target_type === 'member' && isPair(a.changes?.user_id) ? a.changes.user_id[1] ?? a.changes.user_id[0] : undefined);
        if (typeof id === 'number' && typeof a.metadata?.user_name === 'string') map.set(id, a.metadata.user_name);
      }
    return map;
  }, [project.owner, members.data, activity.data]);

  const items = activity.data?.pages.flatMap((page) => page.results) ?? [];
  return (
    <Panel title="Activity">
      {activity.isPending ? (
        <LoadingRows rows={3} label="Loading activity" />
      ) : activity.isError && items.length === 0 ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : items.length === 0 ? (
        <p className="text-sm text-fg-muted">Nothing has happened here yet.</p>
      ) : (
        <>
          <ol className="flex flex-col" aria-label="Activity">
            {items.map((a) => (
              <ActivityItem key={a.id} a={a} people={people} />
            ))}
          </ol>
          {activity.isFetchNextPageError && (
            <p role="alert" className="mt-3 text-sm text-danger">
              Could not load older activity. {errorMessage(activity.error)}
            </p>
          )}
          {activity.hasNextPage && (
            <div className="mt-3">
              <Button size="sm" loading={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
                {activity.isFetchNextPageError ? 'Try again' : 'Load more'}
              </Button>
            </div>
          )}
        </>
      )}
    </Panel>
  );
}

function isPair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2;
}
