/**
 * The command palette's registry: the shell registers navigation and preferences, and each page
 * registers its own actions while it is mounted (`useCommands`). A command's `run` opens the same
 * flow as the page's button, so the palette never has a second copy of a flow.
 */
import { useEffect, useId, useLayoutEffect, useRef, useSyncExternalStore } from 'react';

/** `page`: what the page on screen can do now, listed first; `global`: everywhere. */
export type CommandScope = 'page' | 'global';

export type Command = {
  /** Stable and unique across the app (`project.transition.start`, `go.dashboard`). */
  id: string;
  title: string;
  /** The heading the palette lists it under ("This project", "Go to", "Preferences"). */
  group: string;
  scope?: CommandScope;
  /** Other words it is found by. */
  keywords?: string[];
  /** Shown at the right: its keyboard shortcut, or a state ("Now light"). */
  hint?: string;
  run: () => void;
};

const sources = new Map<string, Command[]>();
const listeners = new Set<() => void>();
let snapshot: readonly Command[] = [];

function publish() {
  // Page commands first, then global ones; within a scope, in registration order.
  const all = [...sources.values()].flat();
  snapshot = [...all.filter((c) => c.scope === 'page'), ...all.filter((c) => c.scope !== 'page')];
  for (const listener of listeners) listener();
}

export function registerCommands(source: string, commands: Command[]): () => void {
  sources.set(source, commands);
  publish();
  return () => {
    if (sources.get(source) !== commands) return;
    sources.delete(source);
    publish();
  };
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const getCommands = (): readonly Command[] => snapshot;

/** Every command registered now, re-rendering when a page registers or unregisters some. */
export function useRegisteredCommands(): readonly Command[] {
  return useSyncExternalStore(subscribe, getCommands, getCommands);
}

/**
 * Registers `commands` while the calling component is mounted. The list is re-registered only when
 * what the palette shows changes (ids, titles, hints); `run` always calls the latest closure, so a
 * page may pass a fresh array on every render.
 */
export function useCommands(commands: Command[]) {
  const source = useId();
  const latest = useRef(commands);
  useLayoutEffect(() => {
    latest.current = commands;
  });
  const signature = commands.map((c) => [c.id, c.title, c.group, c.scope ?? '', c.hint ?? '', (c.keywords ?? []).join(' ')].join('\u0001')).join('\u0002');
  useEffect(() => {
    const registered = latest.current.map((c) => ({
      ...c,
      run: () => (latest.current.find((current) => current.id === c.id) ?? c).run(),
    }));
    return registerCommands(source, registered);
    // `signature` stands for the commands' content; their closures are read through `latest`.
  }, [source, signature]);
}

export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * How well a command matches what was typed: 0 hides it. Every word must appear in the title, the
 * group or a keyword; a title that starts with the query ranks first, then one whose words start with
 * the typed words, then any other match.
 */
export function commandScore(command: Pick<Command, 'title' | 'group' | 'keywords'>, query: string): number {
  const words = queryWords(query);
  if (!words.length) return 1;
  const title = command.title.toLowerCase();
  const haystack = [title, command.group.toLowerCase(), ...(command.keywords ?? []).map((k) => k.toLowerCase())].join(' ');
  if (!words.every((w) => haystack.includes(w))) return 0;
  if (title.startsWith(words.join(' '))) return 4;
  const titleWords = title.split(/[\s/–-]+/);
  if (words.every((w) => titleWords.some((t) => t.startsWith(w)))) return 3;
  if (words.every((w) => title.includes(w))) return 2;
  return 1;
}

/** The commands matching `query`, best first (ties keep their registered order). */
export function matchCommands(commands: readonly Command[], query: string): Command[] {
  return commands
    .map((command, index) => ({ command, index, score: commandScore(command, query) }))
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((m) => m.command);
}
