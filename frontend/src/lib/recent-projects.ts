/**
 * The projects this browser's user opened last, for the command palette's empty state. Kept per
 * signed-in user (the access token's `user_id`), so someone signing in after another on the same
 * browser never sees the titles of the other's projects.
 */
import { getTokens } from '@/lib/auth-session';

export type RecentProject = { id: number; title: string };

const KEY = 'pulse-recent-projects';
export const RECENT_MAX = 5;

function userId(): string | null {
  const access = getTokens()?.access;
  if (!access) return null;
  try {
    const payload = JSON.parse(atob((access.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { user_id?: unknown };
    return payload.user_id === undefined ? null : String(payload.user_id);
  } catch {
    return null;
  }
}

type Stored = { user: string; projects: RecentProject[] };

function read(user: string): RecentProject[] {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Stored | null;
    if (!stored || stored.user !== user || !Array.isArray(stored.projects)) return [];
    return stored.projects.filter((p) => typeof p?.id === 'number' && typeof p.title === 'string').slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

export function recentProjects(): RecentProject[] {
  const user = userId();
  return user ? read(user) : [];
}

/** Puts a project first in the list (or moves it there, with its current title). */
export function rememberProject(project: RecentProject) {
  const user = userId();
  if (!user) return;
  const projects = [{ id: project.id, title: project.title }, ...read(user).filter((p) => p.id !== project.id)].slice(0, RECENT_MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify({ user, projects } satisfies Stored));
  } catch {
    // Storage full or disabled: the palette just has no recent projects.
  }
}

export function forgetProject(id: number) {
  const user = userId();
  if (!user) return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ user, projects: read(user).filter((p) => p.id !== id) } satisfies Stored));
  } catch {
    // As above.
  }
}
