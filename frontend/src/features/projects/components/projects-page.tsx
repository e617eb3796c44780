import { ProjectCard } from '@pulse-ui/project-card';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/states';
import { cn } from '@/lib/cn';
import { formatNumber, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useLiveTopics } from '@/stores/live-store';
import { useUiStore } from '@/stores/ui-store';

import { useBulkControls } from './bulk/bulk-controls';

import { useAllTags } from '../api/get-all-tags';
import { usePersonName } from '../api/get-person';
import { useProjects } from '../api/get-projects';
import type { ProjectListParams } from '../api/keys';
import { FILTER_KEYS, HEALTHS, PAGE_SIZES, STATUSES, useProjectFilters } from '../hooks/use-project-filters';
import { ActiveFilters } from './list/active-filters';
import { DueFilter } from './list/due-filter';
import { filterChips } from './list/filter-chips';
import { PersonFilter } from './list/person-filter';
import { ProgressFilter } from './list/progress-filter';
import { ProjectTable } from './list/project-table';
import { TagFilter } from './list/tag-filter';

type ToggleChipProps = { pressed: boolean; onClick: () => void; children: React.ReactNode; className?: string };

function ToggleChip({ pressed, onClick, children, className }: ToggleChipProps) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        'h-7 rounded-full border px-2.5 text-xs',
        pressed ? 'border-accent bg-accent/10 font-medium text-fg' : 'border-line text-fg-muted hover:bg-subtle hover:text-fg',
        className,
      )}
    >
      {children}
    </button>
  );
}

function ChipGroup({ label, children }: { label: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <div role="group" aria-labelledby={id} className="flex flex-wrap items-center gap-1.5">
      <span id={id} className="mr-1 text-xs text-fg-muted">
        {label}
      </span>
      {children}
    </div>
  );
}

function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  // The URL's search changed (typing landed, back/forward, a removed chip): show it without
  // remounting the field, so focus stays where it is.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    if (text.trim() !== value) setText(value);
  }
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
    <div className="relative w-full min-w-0 sm:w-72">
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
  const { params, update, clear } = useProjectFilters();
  // Tag ids in a URL may name tags that are gone (the API would refuse the whole list): once the
  // tags are known, only theirs are sent and shown.
  const tagIds = params.tag;
  const tags = useAllTags({ enabled: Boolean(tagIds?.length) });
  const knownTags = tagIds && tags.data?.complete ? tagIds.filter((id) => tags.data.byId.has(id)) : tagIds;
  const view: ProjectListParams = { ...params, tag: knownTags?.length ? knownTags : undefined };
  const filtered = FILTER_KEYS.some((k) => view[k] !== undefined);
  const pageSize = params.page_size ?? 50;
  const query = useProjects({ ...view, page_size: pageSize }, { enabled: !tagIds?.length || !tags.isPending });
  const { projectView, setProjectView, density, setDensity } = useUiStore();
  const page = params.page ?? 1;
  const count = query.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const onScreen = { projects: query.data?.results, settled: query.isSuccess && !query.isPlaceholderData };
  // Live updates for the rows on screen; `projects` says which other projects changed, so a list
  // that may now hold one of them refetches (features/realtime listsMayNowHold).
  useLiveTopics(['projects', ...(query.data?.results ?? []).map((p) => `project:${p.id}`)]);
  const ownerName = usePersonName(view.owner, onScreen);
  const memberName = usePersonName(view.member, onScreen);
  const { page: _page, page_size: _pageSize, ordering: _ordering, ...filters } = view;
  const bulk = useBulkControls({ filters, rows: query.data?.results ?? [], count });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const panelId = useId();
  const chips = filterChips(view, { tag: (id) => tags.data?.byId.get(id)?.name, owner: ownerName, member: memberName });
  // What the folded panel holds: every chip but the search, which stays in sight.
  const panelCount = chips.filter((c) => c.key !== 'q').length;
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
      <section aria-label="Filters" className="flex flex-col gap-3">
        <div className="flex items-center gap-2">
          <SearchBox value={params.q ?? ''} onChange={(q) => update({ q: q || undefined }, { replace: true })} />
          <Button
            size="md"
            className="h-8 shrink-0 sm:hidden"
            aria-expanded={filtersOpen}
            aria-controls={panelId}
            aria-label={panelCount > 0 ? `Filters, ${formatNumber(panelCount)} active` : undefined}
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            Filters
            {panelCount > 0 && (
              <span className="inline-flex min-w-5 items-center justify-center rounded-full bg-accent px-1.5 text-xs text-on-accent">
                {formatNumber(panelCount)}
              </span>
            )}
          </Button>
        </div>
        {/* On a phone the filters fold away behind the button above; from sm up they are always shown. */}
        <div id={panelId} className={cn('flex-col gap-3', filtersOpen ? 'flex' : 'hidden sm:flex')}>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <ChipGroup label="Status">
              {STATUSES.map((s) => (
                <ToggleChip key={s} pressed={view.status?.includes(s) ?? false} onClick={() => update({ status: toggle(view.status, s) })}>
                  {humanize(s)}
                </ToggleChip>
              ))}
            </ChipGroup>
            <ChipGroup label="Health">
              {HEALTHS.map((h) => (
                <ToggleChip key={h} pressed={view.health?.includes(h) ?? false} onClick={() => update({ health: toggle(view.health, h) })}>
                  {humanize(h)}
                </ToggleChip>
              ))}
            </ChipGroup>
          </div>
          <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-start">
            <div className="flex flex-col gap-3 sm:flex-row">
              <PersonFilter label="Owner" value={view.owner} name={ownerName} onChange={(owner) => update({ owner })} />
              <PersonFilter label="Member" value={view.member} name={memberName} onChange={(member) => update({ member })} />
            </div>
            <TagFilter value={view.tag} onChange={(tag) => update({ tag })} />
            <div className="flex flex-wrap items-end gap-3">
              <DueFilter after={view.due_after} before={view.due_before} onChange={(due) => update(due)} />
              <ToggleChip pressed={view.overdue ?? false} onClick={() => update({ overdue: view.overdue ? undefined : true })} className="h-8">
                Overdue
              </ToggleChip>
            </div>
            <ProgressFilter min={view.progress_min} max={view.progress_max} onChange={(range) => update(range)} />
          </div>
        </div>
      </section>
      {bulk.notice}
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
              selection={bulk.selection}
              focusedId={bulk.focusedId}
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
      {bulk.bar}
    </div>
  );
}
