import { Button } from '@/components/ui/button';
import { formatNumber } from '@/lib/format';

import { useBulkSession } from './bulk-session';

/**
 * After the dialog closed on a success: the session's last bulk edit, still undoable; after an
 * undo, the same offer as the dialog's report: Redo.
 */
export function UndoNotice({ onUndo }: { onUndo: () => void }) {
  const last = useBulkSession((s) => s.last);
  const forget = useBulkSession((s) => s.remember);
  if (!last) return null;
  const redo = last.mode === 'redo';
  const what = `${last.label.toLowerCase()} on ${formatNumber(last.count)} projects`;
  return (
    <div role="status" className="flex flex-wrap items-center gap-2 rounded-lg border border-line bg-subtle/60 px-3 py-2 text-sm">
      <span>{redo ? `Last bulk edit undone: ${what}.` : `Last bulk edit: ${what}.`}</span>
      <Button size="sm" onClick={onUndo}>
        {redo ? 'Redo' : 'Undo'}
      </Button>
      <Button size="sm" variant="ghost" onClick={() => forget(null)} aria-label={redo ? 'Dismiss the redo offer' : 'Dismiss the undo offer'}>
        ×
      </Button>
    </div>
  );
}
