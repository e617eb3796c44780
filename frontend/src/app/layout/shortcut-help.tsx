import { Dialog } from '@/components/ui/dialog';
import { useUiStore } from '@/stores/ui-store';

export const shortcuts: { keys: string; description: string }[] = [
  { keys: '/', description: 'Search projects' },
  { keys: 'n', description: 'New project' },
  { keys: 'g d', description: 'Go to the dashboard' },
  { keys: 'g p', description: 'Go to projects' },
  { keys: 'g n', description: 'Go to notifications' },
  { keys: 'g t', description: 'Go to trash' },
  { keys: '?', description: 'Show this help' },
  { keys: 'Esc', description: 'Close a dialog or menu' },
];

export function ShortcutHelp() {
  const open = useUiStore((s) => s.shortcutsOpen);
  const setOpen = useUiStore((s) => s.setShortcutsOpen);
  return (
    <Dialog open={open} onClose={() => setOpen(false)} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        {shortcuts.map((s) => (
          <div key={s.keys} className="contents">
            <dt>
              {s.keys.split(' ').map((k) => (
                <kbd key={k} className="mr-1 rounded border border-line bg-subtle px-1.5 py-0.5 font-mono text-xs">
                  {k}
                </kbd>
              ))}
            </dt>
            <dd className="text-fg-muted">{s.description}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
