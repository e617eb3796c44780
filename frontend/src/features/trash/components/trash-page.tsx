import { useRef } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatDate, formatNumber, formatRelative, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { toast } from '@/stores/toast-store';
import type { TrashedProject } from '@/types/models';

import { TRASH_PAGE_SIZE, useTrash } from '../api/get-trash';
import { useRestoreProject } from '../api/restore-project';

const DAY_MS = 86_400_000;
const longDateTime: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** Whole days until the purge job may delete it (rounded up: "1 day left" until the last moment). */
export function daysLeft(purgeAfter: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(purgeAfter).getTime() - now) / DAY_MS));
}

function DaysLeft({ purgeAfter }: { purgeAfter: string }) {
  const days = daysLeft(purgeAfter);
  const text = days === 0 ? 'Purged today' : `${formatNumber(days)} ${days === 1 ? 'day' : 'days'} left`;
  return (
    <span
      title={`Deleted for good after ${formatDate(purgeAfter, longDateTime)}`}
      className={cn('text-xs tabular-nums', days <= 3 ? 'font-medium text-danger' : days <= 7 ? 'text-warning' : 'text-fg-muted')}
    >
      {text}
    </span>
  );
}

function TrashRow({ project, onRestored }: { project: TrashedProject; onRestored: () => void }) {
  const restore = useRestoreProject();
  const navigate = useNavigate();
  const onRestore = () =>
    restore.mutate(project.id, {
      onSuccess: (p) => {
        onRestored();
        toast(`Restored “${p.title}”`, {
          tone: 'success',
          action: { label: 'Open project', onAction: () => navigate(`/projects/${p.id}`) },
        });
      },
      onError: (e) => toast(`Could not restore “${project.title}”: ${errorMessage(e)}`, { tone: 'error' }),
    });
  return (
    <li className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:gap-4">
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium">{project.title}</p>
        <p className="text-xs text-fg-muted">
          {humanize(project.status)} · owned by {project.owner.name}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-fg-muted sm:w-72 sm:flex-nowrap">
        <span className="min-w-0 truncate">
          Deleted by {project.deleted_by?.name ?? 'someone no longer here'}{' '}
          <time dateTime={project.deleted_at} title={formatDate(project.deleted_at, longDateTime)} className="text-fg-subtle">
            {formatRelative(project.deleted_at)}
          </time>
        </span>
      </div>
      <div className="flex items-center justify-between gap-3 sm:w-48 sm:justify-end">
        <DaysLeft purgeAfter={project.purge_after} />
        <Button size="sm" onClick={onRestore} loading={restore.isPending} aria-label={`Restore ${project.title}`}>
          Restore
        </Button>
      </div>
    </li>
  );
}

function pageFrom(raw: string | null): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 1 ? n : 1;
}

export function TrashPage() {
  useDocumentTitle('Trash');
  const [search, setSearch] = useSearchParams();
  const page = pageFrom(search.get('page'));
  const query = useTrash(page);
  // A restored row leaves the list with the focused button: the heading takes the focus instead.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const onRestored = () => headingRef.current?.focus();
  const count = query.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / TRASH_PAGE_SIZE));
  const goTo = (p: number) =>
    setSearch((s) => {
      const next = new URLSearchParams(s);
      if (p > 1) next.set('page', String(p));
      else next.delete('page');
      return next;
    });
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
          Trash
        </h1>
        <p className="text-xs text-fg-muted" aria-live="polite">
          {query.data && count > 0 ? `${formatNumber(count)} deleted ${count === 1 ? 'project' : 'projects'} · each is purged 30 days after deletion` : '\u00a0'}
        </p>
      </div>
      {query.isPending ? (
        <LoadingRows rows={5} label="Loading the trash" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the trash" />
      ) : count === 0 ? (
        <EmptyState title="Trash is empty">Deleted projects stay here for 30 days.</EmptyState>
      ) : query.data.results.length === 0 ? (
        <EmptyState title="Nothing on this page" action={<Button onClick={() => goTo(1)}>Go to the first page</Button>} />
      ) : (
        <ul
          aria-label="Deleted projects"
          className={cn('divide-y divide-line rounded-lg border border-line bg-surface transition-opacity', query.isPlaceholderData && 'opacity-60')}
        >
          {query.data.results.map((p) => (
            <TrashRow key={p.id} project={p} onRestored={onRestored} />
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav aria-label="Pagination" className="flex items-center justify-end gap-2 text-xs text-fg-muted">
          <Button size="sm" disabled={page <= 1} onClick={() => goTo(page - 1)}>
            Previous
          </Button>
          <span>
            Page {formatNumber(page)} of {formatNumber(pages)}
          </span>
          <Button size="sm" disabled={page >= pages} onClick={() => goTo(page + 1)}>
            Next
          </Button>
        </nav>
      )}
    </div>
  );
}
