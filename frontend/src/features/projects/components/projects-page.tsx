import { ProjectCard } from '@pulse-ui/project-card';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/states';
import { cn } from '@/lib/cn';
import { formatNumber, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useUiStore } from '@/stores/ui-store';

import { useProjects } from '../api/get-projects';
import { HEALTHS, PAGE_SIZES, STATUSES, useProjectFilters } from '../hooks/use-project-filters';
import { ActiveFilters } from './list/active-filters';
import { filterChips } from './list/filter-chips';
import { ProgressFilter } from './list/progress-filter';
import { ProjectTable } from './list/project-table';

function ToggleChip({ pressed, onClick, children }: { pressed: boolean; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        'h-7 rounded-full border px-2.5 text-xs',
        pressed ? 'border-accent bg-accent/10 font-medium text-fg' : 'border-line text-fg-muted hover:bg-subtle hover:text-fg',
      )}
    >
      {children}
    </button>
  );
}

function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [search] = useSearchParams();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (search.get('focus') === 'search') ref.current?.focus();
  }, [search]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onChange(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <div className="relative w-full sm:w-72">
      <label htmlFor="project-search" className="sr-only">
        Search projects
      </label>
      <input
        id="project-search"
        ref={ref}
        data-search-box
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget.blur(), setText(''))}
        placeholder="Search projects…  /"
        className="h-8 w-full rounded-md border border-line bg-surface px-3 text-sm placeholder:text-fg-subtle"
      />
    </div>
  );
}

function toggle<T>(list: T[] | undefined, value: T): T[] | undefined {
  const next = list?.includes(value) ? list.filter((v) => v !== value) : [...(list ?? []), value];
  return next.length ? next : undefined;
}

export function ProjectsPage() {
  useDocumentTitle('Projects');
  const navigate = useNavigate();
  const { params, update, clear, filtered } = useProjectFilters();
  const pageSize = params.page_size ?? 50;
  const query = useProjects({ ...params, page_size: pageSize });
  const { projectView, setProjectView, density, setDensity } = useUiStore();
  const page = params.page ?? 1;
  const count = query.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const chips = filterChips(params, { tag: () => undefined });
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-lg font-semibold">Projects</h1>
        <div className="flex items-center gap-2">
          <div role="group" aria-label="View" className="flex rounded-md border border-line p-0.5">
            {(['table', 'cards'] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={projectView === v}
                onClick={() => setProjectView(v)}
                className={cn('rounded px-2 py-1 text-xs', projectView === v ? 'bg-subtle font-medium' : 'text-fg-muted')}
              >
                {humanize(v)}
              </button>
            ))}
          </div>
          <Button size="sm" variant="ghost" onClick={() => setDensity(density === 'compact' ? 'comfortable' : 'compact')}>
            {density === 'compact' ? 'Comfortable' : 'Compact'}
          </Button>
          <Button size="sm" variant="primary" onClick={() => navigate('/projects/new')}>
            New project
          </Button>
        </div>
      </div>
      <section aria-label="Filters" className="flex flex-col gap-2">
        <SearchBox key={params.q ?? ''} value={params.q ?? ''} onChange={(q) => update({ q: q || undefined }, { replace: true })} />
        <div className="flex flex-wrap items-center gap-1.5">
          <span className="mr-1 text-xs text-fg-subtle">Status</span>
          {STATUSES.map((s) => (
            <ToggleChip key={s} pressed={params.status?.includes(s) ?? false} onClick={() => update({ status: toggle(params.status, s) })}>
              {humanize(s)}
            </ToggleChip>
          ))}
          <span className="mr-1 ml-3 text-xs text-fg-subtle">Health</span>
          {HEALTHS.map((h) => (
            <ToggleChip key={h} pressed={params.health?.includes(h) ?? false} onClick={() => update({ health: toggle(params.health, h) })}>
              {humanize(h)}
            </ToggleChip>
          ))}
          <ToggleChip pressed={params.overdue ?? false} onClick={() => update({ overdue: params.overdue ? undefined : true })}>
            Overdue
          </ToggleChip>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <ProgressFilter min={params.progress_min} max={params.progress_max} onChange={(range) => update(range)} />
        </div>
      </section>
      <ActiveFilters chips={chips} count={query.data?.count} onRemove={(patch) => update(patch)} onClearAll={clear} />
      {query.isPending ? (
        <LoadingRows rows={8} label="Loading projects" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load projects" />
      ) : count === 0 ? (
        filtered ? (
          <EmptyState title="No project matches these filters" action={<Button onClick={clear}>Clear filters</Button>} />
        ) : (
          <EmptyState
            title="No projects yet"
            action={
              <Link to="/projects/new" className="font-medium text-accent hover:underline">
                Create your first project
              </Link>
            }
          >
            Projects you own or belong to appear here.
          </EmptyState>
        )
      ) : (
        <div className={cn('transition-opacity', query.isPlaceholderData && 'opacity-60')}>
          {projectView === 'table' ? (
            <ProjectTable
              projects={query.data.results}
              ordering={params.ordering}
              onSort={(ordering) => update({ ordering })}
              query={params.q}
              density={density}
            />
          ) : (
            <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid="projects-cards">
              {query.data.results.map((p) => (
                <li key={p.id}>
                  <ProjectCard project={p} href={`/projects/${p.id}`} onNavigate={(href) => navigate(href)} density={density} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {count > 0 && (
        <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2 text-xs text-fg-muted">
          <label className="flex items-center gap-2">
            Per page
            <select
              value={pageSize}
              onChange={(e) => update({ page_size: Number(e.target.value) })}
              className="h-7 rounded border border-line bg-surface px-1"
            >
              {PAGE_SIZES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <div className="flex items-center gap-2">
            <Button size="sm" disabled={page <= 1} onClick={() => update({ page: page - 1 > 1 ? page - 1 : undefined }, { resetPage: false })}>
              Previous
            </Button>
            <span aria-current="page">
              Page {formatNumber(page)} of {formatNumber(pages)}
            </span>
            <Button size="sm" disabled={page >= pages} onClick={() => update({ page: page + 1 }, { resetPage: false })}>
              Next
            </Button>
          </div>
        </nav>
      )}
    </div>
  );
}
