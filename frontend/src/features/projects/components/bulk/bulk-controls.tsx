import { useState } from 'react';

import type { TableSelection } from '../list/project-table';
import type { ProjectListParams } from '../../api/keys';
import { errorMessage } from '@/lib/api-error';
import type { Project } from '@/types/models';

import { useSelectAll } from '../../api/bulk-operations';
import { useRowHotkeys } from '../../hooks/use-row-hotkeys';
import { useSelection } from '../../hooks/use-selection';
import { useBulkSession } from './bulk-session';
import { pageState, selectedItems } from './selection';
import type { BulkItem, BulkRequest } from '../../api/bulk-types';
import { BulkDialog } from './bulk-dialog';
import type { RunMode } from './run-report';
import { SelectionBar } from './selection-bar';
import { UndoNotice } from './undo-notice';

const asItem = (p: Project): BulkItem => ({ id: p.id, etag: p.etag });

/**
 * Multi-select and bulk edits for the project list: the table's checkboxes (`selection`), the row
 * focus of j / k (`focusedId`), and the bar, dialog and undo offer (`bar`, `notice`) to render.
 * `filters` are the list's filters without paging: a change empties the selection.
 */
export function useBulkControls({ filters, rows, count }: { filters: ProjectListParams; rows: Project[]; count: number }) {
  const filterKey = JSON.stringify(filters);
  const items = rows.map(asItem);
  const [state, dispatch] = useSelection(filterKey, items);
  const selectAll = useSelectAll();
  const [dialog, setDialog] = useState<{ items: BulkItem[]; resume: { request: BulkRequest; mode: RunMode; label: string } | null } | null>(null);
  const last = useBulkSession((s) => s.last);
  const toggle = (p: Project) => dispatch({ type: 'toggle', item: asItem(p) });
  const clear = () => {
    dispatch({ type: 'clear' });
    selectAll.reset();
  };
  const { focusedId } = useRowHotkeys({ rows, onToggle: toggle, onClear: clear });
  const selection: TableSelection = {
    isSelected: (id) => state.items.has(id),
    onToggle: (p, range) => dispatch(range ? { type: 'range', rows: items, to: p.id } : { type: 'toggle', item: asItem(p) }),
    page: pageState(state, items),
    onTogglePage: (on) => dispatch({ type: 'page', rows: items, on }),
  };
  const bar = (
    <>
      <SelectionBar
        count={state.items.size}
        matching={count}
        all={state.matching}
        selectingAll={selectAll.isPending}
        selectAllError={selectAll.isError ? errorMessage(selectAll.error) : null}
        onSelectAll={() =>
          selectAll.mutate(filters, { onSuccess: (s) => dispatch({ type: 'all', items: s.items, count: s.count, truncated: s.truncated }) })
        }
        onClear={clear}
        onAct={() => setDialog({ items: selectedItems(state), resume: null })}
      />
      <BulkDialog
        open={dialog !== null}
        items={dialog?.items ?? []}
        resume={dialog?.resume ?? null}
        onClose={(finished) => {
          setDialog(null);
          // The selected versions are stale after a change: start afresh.
          if (finished) clear();
        }}
      />
    </>
  );
  const notice = dialog === null && last ? <UndoNotice onUndo={() => setDialog({ items: [], resume: { request: last.undo, mode: last.mode, label: last.label } })} /> : null;
  return { selection, focusedId, bar, notice };
}
