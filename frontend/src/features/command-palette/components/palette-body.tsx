import { Command } from 'cmdk';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { errorMessage } from '@/lib/api-error';
import { matchCommands, queryWords, useRegisteredCommands, type Command as PaletteCommand } from '@/lib/commands';
import { humanize } from '@/lib/format';
import { recentProjects } from '@/lib/recent-projects';

import { usePaletteSearch } from '../api/search';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { MarkedText, MarkedWords } from './marked-text';

export const SEARCH_DEBOUNCE_MS = 200;

type Entry = { value: string; label: ReactNode; detail?: ReactNode; hint?: string; onSelect: () => void };
type Section = { heading: string; entries: Entry[] };

const itemClass =
  'flex cursor-pointer items-center justify-between gap-3 rounded-md px-2.5 py-2 text-sm text-fg data-[selected=true]:bg-accent/15 data-[selected=true]:shadow-[inset_2px_0_0_var(--app-accent)] dark:data-[selected=true]:bg-accent/25 data-[disabled=true]:cursor-default data-[disabled=true]:text-fg-muted';
const groupClass =
  'px-1.5 pb-1 [&_[cmdk-group-heading]]:px-1 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-[11px] [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:tracking-wide [&_[cmdk-group-heading]]:text-fg-subtle [&_[cmdk-group-heading]]:uppercase';

function commandSections(commands: PaletteCommand[], words: string[], onRun: (action: () => void) => void): Section[] {
  const sections: Section[] = [];
  for (const c of commands) {
    let section = sections.find((s) => s.heading === c.group);
    if (!section) {
      section = { heading: c.group, entries: [] };
      sections.push(section);
    }
    section.entries.push({ value: `command:${c.id}`, label: <MarkedWords text={c.title} words={words} />, hint: c.hint, onSelect: () => onRun(c.run) });
  }
  return sections;
}

type BodyProps = {
  /** Closes the palette, then runs the action. */
  onRun: (action: () => void) => void;
  /** Closes the palette, then goes to `path`. */
  onOpen: (path: string) => void;
};

/**
 * The palette's content: one combobox over grouped results. Commands (this page's first) are
 * matched as you type; projects and milestones come from the server's search, debounced, the
 * previous request aborted. Empty, it offers the projects opened last.
 */
export default function PaletteBody({ onRun, onOpen }: BodyProps) {
  const registered = useRegisteredCommands();
  const [query, setQuery] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  // On the first open the dialog was showing before this chunk arrived: its focusing is long done.
  useEffect(() => {
    if (inputRef.current?.closest('dialog[open]')) inputRef.current.focus();
  }, []);
  const [recent] = useState(recentProjects);
  const q = query.trim();
  const debounced = useDebouncedValue(q, SEARCH_DEBOUNCE_MS);
  const search = usePaletteSearch(debounced);
  const words = queryWords(q);

  const matched = useMemo(() => matchCommands(registered, q), [registered, q]);
  const results = q ? (search.data?.results ?? []) : [];
  const loading = q.length > 0 && (q !== debounced || search.isFetching);
  const failed = q.length > 0 && !loading && search.isError;

  const sections: Section[] = [];
  if (!q) {
    const page = matched.filter((c) => c.scope === 'page');
    sections.push(...commandSections(page, words, onRun));
    if (recent.length)
      sections.push({
        heading: 'Recent projects',
        entries: recent.map((p) => ({ value: `recent:${p.id}`, label: p.title, hint: 'Project', onSelect: () => onOpen(`/projects/${p.id}`) })),
      });
    sections.push(...commandSections(matched.filter((c) => c.scope !== 'page'), words, onRun));
  } else {
    sections.push(...commandSections(matched, words, onRun));
    const projects = results.filter((r) => r.type === 'project');
    const milestones = results.filter((r) => r.type === 'milestone');
    if (projects.length)
      sections.push({
        heading: 'Projects',
        entries: projects.map((r) => ({
          value: `project:${r.id}`,
          label: <MarkedText html={r.title_highlighted} />,
          hint: humanize(r.status),
          onSelect: () => onOpen(`/projects/${r.project_id}`),
        })),
      });
    if (milestones.length)
      sections.push({
        heading: 'Milestones',
        entries: milestones.map((r) => ({
          value: `milestone:${r.id}`,
          label: <MarkedText html={r.title_highlighted} />,
          detail: r.project_title ? `in ${r.project_title}` : undefined,
          hint: humanize(r.status),
          onSelect: () => onOpen(`/projects/${r.project_id}`),
        })),
      });
    if (failed)
      sections.push({
        heading: 'Search',
        entries: [{ value: 'search:retry', label: 'Try the search again', onSelect: () => void search.refetch() }],
      });
  }

  // The first entry is selected whenever the query changes, and whenever the selected one goes away
  // (results for the new query arrived); arrows and the pointer choose another in between.
  const values = sections.flatMap((s) => s.entries.map((e) => e.value));
  const [choice, setChoice] = useState({ query: '', value: '' });
  const selected = choice.query === q && values.includes(choice.value) ? choice.value : (values[0] ?? '');
  const count = values.length;
  const empty = q.length > 0 && !loading && !failed && count === 0;
  const announcement = !q ? '' : loading ? 'Searching…' : failed ? 'The search failed.' : empty ? 'No results.' : `${count} ${count === 1 ? 'result' : 'results'}.`;

  return (
    <Command
      label="Search projects or type a command"
      shouldFilter={false}
      loop
      vimBindings={false}
      value={selected}
      onValueChange={(value) => setChoice({ query: q, value })}
      className="flex flex-col"
    >
      <div className="flex items-center gap-2 border-b border-line px-3">
        <span aria-hidden className="text-fg-subtle">
          ⌕
        </span>
        <Command.Input
          ref={inputRef}
          data-autofocus
          value={query}
          onValueChange={setQuery}
          placeholder="Search projects or type a command…"
          maxLength={200}
          className="h-12 min-w-0 flex-1 bg-transparent text-sm text-fg outline-none placeholder:text-fg-subtle"
        />
        {loading && <span aria-hidden className="size-4 shrink-0 animate-spin rounded-full border-2 border-fg-subtle border-r-transparent" />}
        {/* A touch screen has no Esc: a way out beside the field (a desk says "Esc to close" below). */}
        <button
          type="button"
          onClick={() => onRun(() => undefined)}
          className="-mr-1 h-9 shrink-0 rounded-md px-2 text-sm text-fg-muted hover:bg-subtle hover:text-fg sm:hidden"
        >
          Cancel
        </button>
      </div>
      <Command.List className="max-h-[min(24rem,60dvh)] overflow-y-auto overscroll-contain py-1">
        {sections.map((section) => (
          <Command.Group key={`${section.heading}:${section.entries[0]?.value ?? ''}`} heading={section.heading} className={groupClass}>
            {section.entries.map((entry) => (
              <Command.Item key={entry.value} value={entry.value} onSelect={entry.onSelect} className={itemClass}>
                <span className="flex min-w-0 flex-col">
                  <span className="truncate">{entry.label}</span>
                  {entry.detail && <span className="truncate text-xs text-fg-muted">{entry.detail}</span>}
                </span>
                {entry.hint && <span className="shrink-0 text-xs text-fg-muted">{entry.hint}</span>}
              </Command.Item>
            ))}
          </Command.Group>
        ))}
        {loading && count === 0 && <p className="px-4 py-3 text-sm text-fg-muted">Searching…</p>}
        {empty && <p className="px-4 py-6 text-center text-sm text-fg-muted">No projects or commands match “{q}”.</p>}
        {failed && <p className="px-4 pb-3 text-sm text-danger">Search failed: {errorMessage(search.error)}</p>}
      </Command.List>
      <div role="status" aria-live="polite" className="sr-only">
        {announcement}
      </div>
      <p className="hidden gap-3 border-t border-line px-3 py-2 text-[11px] text-fg-subtle sm:flex">
        <span>
          <kbd className="font-mono">↑</kbd> <kbd className="font-mono">↓</kbd> to move
        </span>
        <span>
          <kbd className="font-mono">Enter</kbd> to choose
        </span>
        <span>
          <kbd className="font-mono">Esc</kbd> to close
        </span>
      </p>
    </Command>
  );
}
