import { describe, expect, it } from 'vitest';

import { emptySelection, pageState, selectedItems, selectionReducer as reduce } from './selection';
import { retryRequest, undoRest } from './retry';

const item = (id: number) => ({ id, etag: `"project-${id}-v1"` });
const rows = [1, 2, 3, 4, 5].map(item);
const ids = (s: ReturnType<typeof emptySelection>) => [...s.items.keys()].sort((a, b) => a - b);

describe('selectionReducer', () => {
  it('toggles one row and remembers it as the anchor', () => {
    let s = reduce(emptySelection(), { type: 'toggle', item: item(2) });
    expect(ids(s)).toEqual([2]);
    expect(s.anchor).toBe(2);
    s = reduce(s, { type: 'toggle', item: item(2) });
    expect(ids(s)).toEqual([]);
  });

  it('shift-click selects from the anchor to the clicked row, either direction, and deselects a selected range', () => {
    let s = reduce(emptySelection(), { type: 'toggle', item: item(4) });
    s = reduce(s, { type: 'range', rows, to: 2 });
    expect(ids(s)).toEqual([2, 3, 4]);
    s = reduce(s, { type: 'range', rows, to: 5 });
    expect(ids(s)).toEqual([2, 3, 4, 5]);
    // The clicked row is selected: the range from the anchor (5) back to 3 is cleared.
    s = reduce(s, { type: 'range', rows, to: 3 });
    expect(ids(s)).toEqual([2]);
  });

  it('shift-click with no anchor on this page is a plain toggle', () => {
    const s = reduce({ ...emptySelection(), anchor: 99 }, { type: 'range', rows, to: 4 });
    expect(ids(s)).toEqual([4]);
  });

  it('selects and clears a page without touching other pages', () => {
    let s = reduce(emptySelection(), { type: 'toggle', item: { id: 50, etag: '"project-50-v2"' } });
    s = reduce(s, { type: 'page', rows, on: true });
    expect(ids(s)).toEqual([1, 2, 3, 4, 5, 50]);
    expect(pageState(s, rows)).toBe('all');
    s = reduce(s, { type: 'toggle', item: item(1) });
    expect(pageState(s, rows)).toBe('some');
    s = reduce(s, { type: 'page', rows, on: false });
    expect(ids(s)).toEqual([50]);
    expect(pageState(s, rows)).toBe('none');
  });

  it('select all matching replaces the selection and says how many matched; a click drops that note', () => {
    const all = Array.from({ length: 240 }, (_, i) => ({ id: i + 1, etag: `"project-${i + 1}-v1"` }));
    let s = reduce(emptySelection(), { type: 'all', items: all, count: 240, truncated: false });
    expect(s.items.size).toBe(240);
    expect(s.matching).toEqual({ count: 240, truncated: false });
    s = reduce(s, { type: 'toggle', item: item(1) });
    expect(s.items.size).toBe(239);
    expect(s.matching).toBeNull();
  });

  it('keeps the ETag a row on screen now shows, and clears', () => {
    let s = reduce(emptySelection(), { type: 'page', rows, on: true });
    s = reduce(s, { type: 'refresh', rows: [{ id: 2, etag: '"project-2-v2"' }, { id: 9, etag: '"project-9-v4"' }] });
    expect(selectedItems(s).find((i) => i.id === 2)?.etag).toBe('"project-2-v2"');
    expect(s.items.has(9)).toBe(false);
    expect(reduce(s, { type: 'clear' })).toEqual(emptySelection());
  });
});

describe('retry and undo-the-rest', () => {
  const request = { action: 'transition' as const, params: { name: 'hold' }, items: rows.slice(0, 4) };
  it('retries conflicts with their fresh ETags and leaves out what cannot change', () => {
    const report = [
      { id: 1, result: 'ok' as const },
      { id: 2, result: 'conflict' as const, etag: '"project-2-v5"' },
      { id: 3, result: 'forbidden' as const },
      { id: 4, result: 'invalid' as const, message: 'Cannot hold a project that is completed.' },
    ];
    expect(retryRequest(request, report)).toEqual({
      request: { ...request, items: [rows[0], { id: 2, etag: '"project-2-v5"' }] },
      excluded: 2,
    });
  });
  it('undo the rest drops the projects the undo could not restore', () => {
    const undo = { action: 'undo' as const, params: { operation_id: 7 }, items: rows.slice(0, 3) };
    expect(undoRest(undo, [{ id: 2, result: 'conflict' }, { id: 1, result: 'ok' }]).items).toEqual([rows[0], rows[2]]);
  });
});
