import { HealthIndicator, MemberAvatars, ProgressBar, StatusBadge, TagChips } from '@pulse-ui/project-card';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { Link } from 'react-router';

import { LiveFlash } from '@/components/ui/live-flash';
import { cn } from '@/lib/cn';
import { formatDate } from '@/lib/format';
import type { Density } from '@/stores/ui-store';
import type { Project } from '@/types/models';

import { highlightWords } from './highlight';

const col = createColumnHelper<Project>();
/** The event fields (SPEC §6 `changes`) each column shows, for the live highlight. */
const LIVE_FIELDS: Record<string, string[]> = {
  title: ['title'],
  status: ['status'],
  health: ['health', 'health_override'],
  progress: ['progress'],
  due_date: ['due_date'],
  owner: ['owner_id'],
  tags: ['tags'],
};
function Live({ projectId, column, children }: { projectId: number; column: string; children: ReactNode }) {
  const fields = LIVE_FIELDS[column];
  return fields ? <LiveFlash keys={fields.map((f) => `project:${projectId}:${f}`)}>{children}</LiveFlash> : children;
}

const SORTABLE: Record<string, string> = { title: 'title', health: 'health', progress: 'progress', due_date: 'due_date', updated_at: 'updated_at' };

/** Multi-select: a checkbox per row and one for the page in the header. */
export type TableSelection = {
  isSelected: (id: number) => boolean;
  /** `range`: shift held, extend from the last clicked row. */
  onToggle: (project: Project, range: boolean) => void;
  page: 'all' | 'none' | 'some';
  onTogglePage: (on: boolean) => void;
};

type Props = {
  projects: Project[];
  ordering?: string;
  onSort: (ordering: string) => void;
  query?: string;
  density: Density;
  selection?: TableSelection;
  /** The row j / k moved to: ringed, scrolled into view, its link focused. */
  focusedId?: number | null;
};

function PageCheckbox({ state, onChange }: { state: TableSelection['page']; onChange: (on: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select this page"
      checked={state === 'all'}
      onChange={() => onChange(state !== 'all')}
      className="size-4 accent-accent"
    />
  );
}

function RowCheckbox({ project, selection }: { project: Project; selection: TableSelection }) {
  // The click (not change) event knows whether shift was held.
  const onClick = (e: MouseEvent<HTMLInputElement>) => {
    e.preventDefault();
    selection.onToggle(project, e.shiftKey);
  };
  return (
    <input
      type="checkbox"
      aria-label={`Select ${project.title}`}
      checked={selection.isSelected(project.id)}
      onClick={onClick}
      onChange={() => {}}
      className="size-4 accent-accent"
    />
  );
}

export function ProjectTable({ projects, ordering, onSort, query, density, selection, focusedId }: Props) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (focusedId == null) return;
    const row = bodyRef.current?.querySelector<HTMLElement>(`tr[data-row-id="${focusedId}"]`);
    row?.scrollIntoView?.({ block: 'nearest' });
    row?.querySelector<HTMLElement>('a')?.focus({ preventScroll: true });
  }, [focusedId]);
  const columns = [
    ...(selection
      ? [
          col.display({
            id: 'select',
            header: () => <PageCheckbox state={selection.page} onChange={selection.onTogglePage} />,
            cell: (c) => <RowCheckbox project={c.row.original} selection={selection} />,
          }),
        ]
      : []),
    col.accessor('title', {
      header: 'Project',
      cell: (c) => (
        <Link to={`/projects/${c.row.original.id}`} className="font-medium text-fg hover:text-accent hover:underline">
          {highlightWords(c.getValue(), query)}
        </Link>
      ),
    }),
    col.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} context={null} /> }),
    col.accessor('health', {
      header: 'Health',
      cell: (c) => <HealthIndicator health={c.getValue()} reasons={c.row.original.health_reasons} overridden={Boolean(c.row.original.health_override)} />,
    }),
    col.accessor('progress', {
      header: 'Progress',
      cell: (c) => <ProgressBar value={c.getValue()} label={`Progress of ${c.row.original.title}`} className="w-28" />,
    }),
    col.accessor('due_date', {
      header: 'Due',
      cell: (c) => (
        <span className={cn('whitespace-nowrap', c.row.original.is_overdue && 'font-medium text-danger')}>
          {formatDate(c.getValue())}
          {c.row.original.is_overdue && <span className="sr-only"> (overdue)</span>}
        </span>
      ),
    }),
    col.accessor((p) => p.owner.name, { id: 'owner', header: 'Owner', cell: (c) => <span className="whitespace-nowrap">{c.getValue()}</span> }),
    col.accessor('members', {
      header: 'Team',
      cell: (c) => <MemberAvatars people={c.getValue().map((m) => ({ id: m.user.id, name: m.user.name, detail: m.role }))} max={3} size="sm" />,
    }),
    col.accessor('tags', { header: 'Tags', cell: (c) => <TagChips tags={c.getValue()} max={2} /> }),
  ];
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from props each render
  const table = useReactTable({ data: projects, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true, getRowId: (p) => String(p.id) });
  const field = ordering?.replace(/^-/, '');
  const descending = ordering?.startsWith('-') ?? false;
  return (
    <div className="relative overflow-x-auto rounded-lg border border-line bg-surface">
      <table data-testid="projects-table" className="w-full border-collapse text-left text-sm">
        <thead className="sticky top-0 z-10 bg-surface text-xs text-fg-muted">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-line">
              {group.headers.map((header) => {
                const sortKey = SORTABLE[header.column.id];
                const active = sortKey !== undefined && field === sortKey;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={cn('px-3 py-2 font-medium', header.column.id === 'select' && 'w-8 pr-0')}
                    aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
                  >
                    {sortKey ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 hover:text-fg"
                        onClick={() => onSort(active && !descending ? `-${sortKey}` : sortKey)}
                      >
                        {label}
                        <span aria-hidden className={cn('text-[10px]', !active && 'opacity-0')}>
                          {descending ? '▼' : '▲'}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody ref={bodyRef}>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-row-id={row.original.id}
              data-focused={focusedId === row.original.id || undefined}
              aria-current={focusedId === row.original.id ? 'true' : undefined}
              className={cn(
                'border-b border-line last:border-0 hover:bg-subtle/60',
                selection?.isSelected(row.original.id) && 'bg-accent/5',
                focusedId === row.original.id && 'outline-2 -outline-offset-2 outline-accent',
              )}
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cn('px-3 align-middle', density === 'compact' ? 'py-1' : 'py-2.5', cell.column.id === 'select' && 'w-8 pr-0')}>
                  <Live projectId={row.original.id} column={cell.column.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Live>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
