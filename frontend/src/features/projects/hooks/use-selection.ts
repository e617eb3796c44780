import { useEffect, useReducer, useState } from 'react';

import { emptySelection, selectionReducer, type SelectionAction, type SelectionState } from '../components/bulk/selection';
import type { BulkItem } from '../api/bulk-types';

/**
 * The table's selection: kept across pages and sorting, emptied when the filters change (`filterKey`
 * names them), ETags of on-screen rows kept to what the user sees.
 */
export function useSelection(filterKey: string, rows: BulkItem[] | undefined) {
  const [state, dispatch] = useReducer(selectionReducer, undefined, emptySelection);
  const [key, setKey] = useState(filterKey);
  if (key !== filterKey) {
    setKey(filterKey);
    dispatch({ type: 'clear' });
  }
  const rowsKey = rows?.map((r) => `${r.id}:${r.etag}`).join(',') ?? '';
  useEffect(() => {
    if (rows?.length) dispatch({ type: 'refresh', rows });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rowsKey stands for rows' content
  }, [rowsKey]);
  return [state, dispatch] as [SelectionState, (action: SelectionAction) => void];
}
