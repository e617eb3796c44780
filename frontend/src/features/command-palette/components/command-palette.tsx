import { lazy, Suspense, useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';

import { Dialog } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/states';
import { useUiStore } from '@/stores/ui-store';

// cmdk and the palette's own code load on first use (or when the browser is idle), not with the shell.
const loadBody = () => import('./palette-body');
const PaletteBody = lazy(loadBody);

export const PALETTE_TITLE = 'Command palette';

/** ⌘K on a Mac, Ctrl+K elsewhere (either is accepted everywhere). */
export function isPaletteShortcut(e: KeyboardEvent): boolean {
  return (e.metaKey || e.ctrlKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k';
}

/** What the palette shows for its shortcut on this machine. */
export function paletteShortcutLabel(): string {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘ K' : 'Ctrl K';
}

/**
 * The command palette: ⌘K / Ctrl+K from anywhere, text fields included (it is a modifier combo, so
 * the browser's own ⌘K never fires). Not over another dialog, which holds its own unfinished
 * business. Esc closes it and focus goes back where it was; a chosen action runs after that, so the
 * flow it opens (a form, a confirmation) gets the focus.
 */
export function CommandPalette() {
  const open = useUiStore((s) => s.paletteOpen);
  const setOpen = useUiStore((s) => s.setPaletteOpen);
  const navigate = useNavigate();
  const pending = useRef<(() => void) | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isPaletteShortcut(e) || e.repeat) return;
      e.preventDefault();
      if (useUiStore.getState().paletteOpen) {
        setOpen(false);
        return;
      }
      if (document.querySelector('dialog[open]')) return;
      setOpen(true);
    };
    // Capture: a field or widget that handles its own keys never swallows the shortcut.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [setOpen]);

  useEffect(() => {
    const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback : (fn: () => void) => setTimeout(fn, 1_500);
    const cancel = typeof cancelIdleCallback === 'function' ? cancelIdleCallback : clearTimeout;
    const handle = idle(() => void loadBody().catch(() => undefined));
    return () => cancel(handle as never);
  }, []);

  useEffect(() => {
    // The dialog (a child, so its effect ran first) has closed and handed focus back.
    if (open || !pending.current) return;
    const action = pending.current;
    pending.current = null;
    action();
  }, [open]);

  const run = (action: () => void) => {
    pending.current = action;
    setOpen(false);
  };

  return (
    <Dialog
      open={open}
      onClose={() => setOpen(false)}
      title={PALETTE_TITLE}
      titleHidden
      className="mt-[10dvh] mb-auto overflow-hidden"
      widthClassName="w-[min(36rem,calc(100vw-1.5rem))]"
      bodyClassName="flex flex-col"
    >
      <Suspense
        fallback={
          <div className="grid h-24 place-items-center">
            <Spinner label="Loading the command palette" />
          </div>
        }
      >
        <PaletteBody onRun={run} onOpen={(path) => run(() => navigate(path))} />
      </Suspense>
    </Dialog>
  );
}
