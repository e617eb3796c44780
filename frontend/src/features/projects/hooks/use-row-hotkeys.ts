import { useState } from 'react';
import { useNavigate } from 'react-router';

import { useHotkeys } from '@/lib/hotkeys';

/**
 * j / k move a focus through the list's rows, x toggles the focused row's selection, e opens its edit
 * form, Esc empties the selection. Never while typing in a field or over a dialog (lib/hotkeys).
 */
export function useRowHotkeys<T extends { id: number }>({ rows, onToggle, onClear }: { rows: T[]; onToggle: (row: T) => void; onClear: () => void }) {
  const navigate = useNavigate();
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const index = rows.findIndex((r) => r.id === focusedId);
  const move = (by: number) => {
    if (rows.length === 0) return;
    const next = index < 0 ? (by > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, index + by));
    const row = rows[next];
    if (row) setFocusedId(row.id);
  };
  const focused = index >= 0 ? rows[index] : undefined;
  useHotkeys([
    { keys: 'j', description: 'Next project', group: 'Project list', handler: () => move(1) },
    { keys: 'k', description: 'Previous project', group: 'Project list', handler: () => move(-1) },
    { keys: 'x', description: 'Select the focused project', group: 'Project list', handler: () => focused && onToggle(focused) },
    { keys: 'e', description: 'Edit the focused project', group: 'Project list', handler: () => focused && navigate(`/projects/${focused.id}/edit`) },
    { keys: 'Escape', description: 'Clear the selection', group: 'Project list', handler: onClear },
  ]);
  return { focusedId: focused ? focused.id : null, setFocusedId };
}
