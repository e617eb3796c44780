/**
 * Which projects the table has selected, across pages: id → the ETag the user read it at (the bulk
 * request carries it). Pure, so the table's click / shift-click / page / "all matching" rules are
 * tested apart from the DOM.
 */
import type { BulkItem } from '../../api/bulk-types';

export type SelectionState = {
  items: Map<number, string>;
  /** The row a shift-click extends from: the last one clicked. */
  anchor: number | null;
  /** Set when "select all matching" filled the selection: how many matched, and whether it stopped at the limit. */
  matching: { count: number; truncated: boolean } | null;
};

export type SelectionAction =
  | { type: 'toggle'; item: BulkItem }
  | { type: 'range'; rows: BulkItem[]; to: number }
  | { type: 'page'; rows: BulkItem[]; on: boolean }
  | { type: 'all'; items: BulkItem[]; count: number; truncated: boolean }
  | { type: 'refresh'; rows: BulkItem[] }
  | { type: 'remove'; ids: number[] }
  | { type: 'clear' };

export const emptySelection = (): SelectionState => ({ items: new Map(), anchor: null, matching: null });

export function selectionReducer(state: SelectionState, action: SelectionAction): SelectionState {
  switch (action.type) {
    case 'toggle': {
      const items = new Map(state.items);
      if (items.has(action.item.id)) items.delete(action.item.id);
      else items.set(action.item.id, action.item.etag);
      return { items, anchor: action.item.id, matching: null };
    }
    case 'range': {
      // Shift-click: every row from the anchor to the clicked one takes the clicked row's new state.
      const to = action.rows.findIndex((r) => r.id === action.to);
      const clicked = action.rows[to];
      if (!clicked) return state;
      const from = state.anchor === null ? -1 : action.rows.findIndex((r) => r.id === state.anchor);
      if (from < 0) return selectionReducer(state, { type: 'toggle', item: clicked });
      const on = !state.items.has(action.to);
      const items = new Map(state.items);
      for (const row of action.rows.slice(Math.min(from, to), Math.max(from, to) + 1)) {
        if (on) items.set(row.id, row.etag);
        else items.delete(row.id);
      }
      return { items, anchor: action.to, matching: null };
    }
    case 'page': {
      const items = new Map(state.items);
      for (const row of action.rows) {
        if (action.on) items.set(row.id, row.etag);
        else items.delete(row.id);
      }
      return { items, anchor: state.anchor, matching: null };
    }
    case 'all':
      return { items: new Map(action.items.map((i) => [i.id, i.etag])), anchor: null, matching: { count: action.count, truncated: action.truncated } };
    case 'refresh': {
      // A row on screen was patched by a live event: the version the user now sees is the one they act on.
      let changed = false;
      const items = new Map(state.items);
      for (const row of action.rows) {
        if (items.has(row.id) && items.get(row.id) !== row.etag) {
          items.set(row.id, row.etag);
          changed = true;
        }
      }
      return changed ? { ...state, items } : state;
    }
    case 'remove': {
      const items = new Map(state.items);
      for (const id of action.ids) items.delete(id);
      return { ...state, items, matching: null };
    }
    case 'clear':
      return state.items.size === 0 && state.anchor === null ? state : emptySelection();
  }
}

export const selectedItems = (state: SelectionState): BulkItem[] => [...state.items].map(([id, etag]) => ({ id, etag }));

/** The header checkbox over this page: all, none, or some (indeterminate). */
export function pageState(state: SelectionState, rows: BulkItem[]): 'all' | 'none' | 'some' {
  const n = rows.filter((r) => state.items.has(r.id)).length;
  return n === 0 ? 'none' : n === rows.length ? 'all' : 'some';
}
