import { useRef, useState, type ReactNode } from 'react';

import { changedFields, conflictsOf, mergedValues, mergeFields, type FieldMerge, type Values } from './merge';
import type { Changer } from './stale-write';

type Versioned = { version: number; etag: string };

/** How many 412s in a row are merged without asking before the dialog shows even with no conflict. */
const QUIET_MERGES = 2;

/**
 * The state of a form that merges instead of overwriting: `base` is the copy its values are
 * compared with (its ETag goes in If-Match), `pending` the merge the dialog asks about, and
 * `elsewhere` each field a newer copy in the cache (`latest`) changed meanwhile.
 */
export function useFieldMerge<T extends Versioned, F extends string>({ latest, fields, valuesOf }: { latest: T; fields: readonly F[]; valuesOf: (copy: T) => Values }) {
  const [base, setBase] = useState(latest);
  const [pending, setPending] = useState<{ theirs: T; merges: FieldMerge[]; who: Changer | null } | null>(null);
  const quietRounds = useRef(0);
  const elsewhere: Partial<Record<F, unknown>> = {};
  if (latest.version > base.version) {
    const after = valuesOf(latest);
    for (const field of changedFields(fields, valuesOf(base), after)) elsewhere[field] = after[field];
  }
  return {
    base,
    setBase,
    pending,
    elsewhere,
    /** A save starts: the quiet merges are counted from here. */
    start: () => {
      quietRounds.current = 0;
    },
    merged: () => quietRounds.current > 0,
    /**
     * After a 412: the values to retry with at once when nothing conflicts, or null when the
     * dialog asks (then its answer goes to `resolve`); `who` saved theirs, if the 412 says.
     */
    conflict: (against: T, theirs: T, mine: Values, who: Changer | null = null): Values | null => {
      const merges = mergeFields(fields, valuesOf(against), valuesOf(theirs), mine);
      if (conflictsOf(merges).length === 0 && quietRounds.current < QUIET_MERGES) {
        quietRounds.current += 1;
        return mergedValues(merges);
      }
      setPending({ theirs, merges, who });
      return null;
    },
    /** The dialog is done (or cancelled): their copy becomes the base once values are merged onto it. */
    settle: (theirs?: T) => {
      setPending(null);
      if (theirs) setBase(theirs);
    },
  };
}

/** A field's hint, and under it what someone else saved in it meanwhile: the form itself is never reset. */
export function withNote(hint: ReactNode, note: string | undefined): ReactNode {
  if (note === undefined) return hint;
  return (
    <>
      {hint}
      <span className="block font-medium text-warning">Changed by someone else: {note}</span>
    </>
  );
}
