import { Suspense, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';

import { Spinner } from '@/components/ui/states';
import { env } from '@/config/env';
import { useLogout, useMe } from '@/features/auth';
import { CommandPalette, paletteShortcutLabel } from '@/features/command-palette';
import { UnreadBadge, useUnreadName } from '@/features/notifications';
import { ConnectionAnnouncer, ConnectionIndicator, LiveUpdates } from '@/features/realtime';
import { cn } from '@/lib/cn';
import { useHotkeys } from '@/lib/hotkeys';
import { useUiStore } from '@/stores/ui-store';

import { navItems } from './nav-items';
import { ShortcutHelp } from './shortcut-help';
import { ThemeToggle } from './theme-toggle';
import { useGlobalCommands } from './use-global-commands';

function UserMenu() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="flex items-center gap-1">
      <NavLink to="/profile" className="truncate rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-subtle hover:text-fg">
        {me.data?.name ?? '…'}
      </NavLink>
      <button
        type="button"
        className="rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-subtle hover:text-fg"
        onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
      >
        Sign out
      </button>
    </div>
  );
}

/** Where focus goes after a client-side navigation, so screen readers hear the new page. */
function useFocusMainOnNavigate(ref: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus({ preventScroll: true });
  }, [pathname, ref]);
}

export function AppShell() {
  const navigate = useNavigate();
  const mainRef = useRef<HTMLElement>(null);
  const setShortcutsOpen = useUiStore((s) => s.setShortcutsOpen);
  const setPaletteOpen = useUiStore((s) => s.setPaletteOpen);
  const { pathname } = useLocation();
  // The phone menu closes on navigation: it is open only for the page it was opened on.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === pathname;
  const notificationsName = useUnreadName('Notifications');
  const menuName = useUnreadName('Menu');
  useFocusMainOnNavigate(mainRef);
  useGlobalCommands();
  useHotkeys([
    { keys: 'g d', description: 'Dashboard', handler: () => navigate('/') },
    { keys: 'g p', description: 'Projects', handler: () => navigate('/projects') },
    { keys: 'g n', description: 'Notifications', handler: () => navigate('/notifications') },
    { keys: 'g t', description: 'Trash', handler: () => navigate('/trash') },
    { keys: 'n', description: 'New project', handler: () => navigate('/projects/new') },
    { keys: '?', description: 'Shortcuts', handler: () => setShortcutsOpen(true) },
    {
      keys: '/',
      description: 'Search',
      handler: () => {
        const box = document.querySelector<HTMLInputElement>('[data-search-box]');
        if (box) box.focus();
        else navigate('/projects?focus=search');
      },
    },
  ]);
  return (
    <div className="flex min-h-dvh flex-col md:flex-row">
      <a href="#main" className="sr-only z-50 rounded bg-accent px-3 py-2 text-on-accent focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-12 items-center justify-between border-b border-line bg-surface px-3 md:hidden">
        <span className="font-semibold">Pulse</span>
        <ConnectionIndicator className="ml-auto px-2" />
        <button
          type="button"
          // A 36 px target with a glyph one can see (it was about 24 px around a 14 px ⌕).
          className="grid size-9 place-items-center rounded-md text-lg leading-none hover:bg-subtle"
          aria-label="Open the command palette"
          onClick={() => setPaletteOpen(true)}
        >
          <span aria-hidden>⌕</span>
        </button>
        <button
          type="button"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          aria-label={menuOpen ? undefined : menuName}
          className="flex items-center gap-1.5 rounded-md px-2 py-1 text-sm hover:bg-subtle"
          onClick={() => setMenuOpenOn(menuOpen ? null : pathname)}
        >
          Menu
          {menuOpen ? null : <UnreadBadge />}
        </button>
      </header>
      <aside
        id="primary-nav"
        className={cn(
          'flex-col gap-1 border-line bg-surface px-2 py-3 md:sticky md:top-0 md:flex md:h-dvh md:w-56 md:shrink-0 md:border-r',
          menuOpen ? 'flex border-b' : 'hidden',
        )}
      >
        <div className="mb-3 hidden items-center gap-2 px-2 md:flex">
          <img src="/favicon.svg" alt="" className="size-6" />
          <span className="font-semibold tracking-tight">Pulse</span>
          <ConnectionIndicator className="ml-auto" />
        </div>
        <button
          type="button"
          onClick={() => setPaletteOpen(true)}
          className="mb-2 hidden items-center justify-between rounded-md border border-line px-2 py-1.5 text-xs text-fg-muted hover:bg-subtle hover:text-fg md:flex"
        >
          <span>Search or run…</span>
          <kbd className="font-mono text-[11px] text-fg-subtle">{paletteShortcutLabel()}</kbd>
        </button>
        <nav aria-label="Primary" className="flex flex-col gap-0.5">
          {navItems.map((item) => (
            <NavLink
              key={item.to}
              to={item.to}
              end={item.end}
              aria-label={item.to === '/notifications' ? notificationsName : undefined}
              className={({ isActive }) =>
                cn(
                  'flex items-center justify-between rounded-md px-2 py-1.5 text-sm',
                  isActive ? 'bg-subtle font-medium text-fg' : 'text-fg-muted hover:bg-subtle hover:text-fg',
                )
              }
            >
              <span>{item.label}</span>
              {item.to === '/notifications' ? <UnreadBadge /> : null}
            </NavLink>
          ))}
        </nav>
        <div className="mt-auto flex flex-col gap-1 border-t border-line pt-2">
          <UserMenu />
          <div className="flex items-center justify-between">
            <ThemeToggle />
            <button type="button" className="rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-subtle" onClick={() => setShortcutsOpen(true)}>
              <kbd className="font-mono">?</kbd> <span className="sr-only">Keyboard shortcuts</span>
            </button>
          </div>
          <p className="px-2 text-[11px] text-fg-subtle">Pulse {env.version}</p>
        </div>
      </aside>
      <main id="main" ref={mainRef} tabIndex={-1} className="min-w-0 flex-1 px-4 py-5 outline-none md:px-8 md:py-6">
        <Suspense fallback={<Spinner label="Loading page" />}>
          <Outlet />
        </Suspense>
        {/* Inside a landmark, and never hidden like the phone's folded sidebar: a live region must be read. */}
        <ConnectionAnnouncer />
      </main>
      <ShortcutHelp />
      <CommandPalette />
      <Suspense fallback={null}>
        <LiveUpdates />
      </Suspense>
    </div>
  );
}
