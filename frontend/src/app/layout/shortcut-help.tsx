import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useUiStore } from '@/stores/ui-store';

/** One shortcut: each combo is keys pressed together or in turn (`g d`); several combos are alternatives. */
export type Shortcut = { combos: string[][]; description: string };

export const shortcutGroups: { title: string; shortcuts: Shortcut[] }[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { combos: [['Ctrl', 'K'], ['⌘', 'K']], description: 'Open the command palette' },
      { combos: [['/']], description: 'Search projects' },
      { combos: [['n']], description: 'New project' },
      { combos: [['?']], description: 'Show this help' },
    ],
  },
  {
    title: 'Go to',
    shortcuts: [
      { combos: [['g', 'd']], description: 'Go to the dashboard' },
      { combos: [['g', 'p']], description: 'Go to projects' },
      { combos: [['g', 'n']], description: 'Go to notifications' },
      { combos: [['g', 't']], description: 'Go to trash' },
    ],
  },
  {
    title: 'Project list',
    shortcuts: [
      { combos: [['j'], ['k']], description: 'Move through the list' },
      { combos: [['x']], description: 'Select the focused project' },
      { combos: [['e']], description: 'Edit the focused project' },
    ],
  },
  {
    title: 'Dialogs and the palette',
    shortcuts: [
      { combos: [['↑'], ['↓']], description: 'Move through the palette’s results' },
      { combos: [['Enter']], description: 'Run the chosen command or open the project' },
      { combos: [['Esc']], description: 'Close a dialog or menu' },
    ],
  },
];

const kbd = 'rounded border border-line bg-subtle px-1.5 py-0.5 font-mono text-xs';

function Combos({ combos }: { combos: string[][] }) {
  return (
    <>
      {combos.map((combo, i) => (
        <span key={combo.join('+')} className="whitespace-nowrap">
          {i > 0 && <span className="mx-1 text-xs text-fg-subtle">or</span>}
          {combo.map((k, j) => (
            <kbd key={`${k}${j}`} className={j > 0 ? `ml-1 ${kbd}` : kbd}>
              {k}
            </kbd>
          ))}
        </span>
      ))}
    </>
  );
}

export function ShortcutHelp() {
  const open = useUiStore((s) => s.shortcutsOpen);
  const setOpen = useUiStore((s) => s.setShortcutsOpen);
  return (
    <Dialog
      open={open}
      onClose={() => setOpen(false)}
      title="Keyboard shortcuts"
      description="Single keys never fire while you type in a field."
      footer={
        // A way out without Esc (a phone has none); it also takes the focus when the dialog opens.
        <Button variant="ghost" data-autofocus onClick={() => setOpen(false)}>
          Close
        </Button>
      }
    >
      {/* Room inside the scroller for the focus ring the browser draws on a scrollable region. */}
      <div className="-mx-1 flex max-h-[70dvh] flex-col gap-4 overflow-y-auto px-1 py-0.5">
        {shortcutGroups.map((group) => (
          <section key={group.title} aria-label={group.title}>
            <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-fg-subtle uppercase">{group.title}</h3>
            <dl className="grid grid-cols-[6.5rem_1fr] gap-x-3 sm:grid-cols-[9rem_1fr] sm:gap-x-4 gap-y-2 text-sm">
              {group.shortcuts.map((s) => (
                <div key={s.description} className="contents">
                  {/* Flex: the combos wrap as wholes when the column is narrow (adjacent spans give no break). */}
                  <dt className="flex flex-wrap items-center gap-y-1">
                    <Combos combos={s.combos} />
                  </dt>
                  <dd className="text-fg-muted">{s.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
