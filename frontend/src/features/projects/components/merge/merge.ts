/**
 * A three-way merge of one edited object, field by field (issue #12 part 3): the copy the form was
 * opened from (base), the server's copy from a 412 (theirs) and the form's values (mine). A field
 * only one side changed takes that side; a field both changed to different values is a conflict
 * for a person to settle. Values are the form's own (strings, numbers, tag and person objects).
 */

export type Values = Record<string, unknown>;

export type MergeOutcome = 'unchanged' | 'mine' | 'theirs' | 'same' | 'conflict';

export type FieldMerge = {
  field: string;
  base: unknown;
  theirs: unknown;
  mine: unknown;
  /** unchanged: nobody changed it; mine / theirs: only that side did; same: both, alike; conflict: both, differently. */
  outcome: MergeOutcome;
  /** What the field becomes without a choice (mine for a conflict, until someone picks). */
  merged: unknown;
};

export type Equals = (a: unknown, b: unknown) => boolean;

const idOf = (v: unknown): unknown => (v && typeof v === 'object' && 'id' in v ? (v as { id: unknown }).id : v);

/**
 * Equal as a form value: objects with an id (people, tags) by id, lists as sets of those, empty
 * strings and null alike (an empty date field is "no date").
 */
export const sameValue: Equals = (a, b) => {
  if ((a === '' || a === null || a === undefined) && (b === '' || b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    const ids = (list: unknown[]) => list.map((x) => JSON.stringify(idOf(x))).sort().join('\u0000');
    return a.length === b.length && ids(a) === ids(b);
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(idOf(a)) === JSON.stringify(idOf(b));
  return Object.is(a, b);
};

export function mergeFields(fields: readonly string[], base: Values, theirs: Values, mine: Values, equals: Equals = sameValue): FieldMerge[] {
  return fields.map((field) => {
    const [b, t, m] = [base[field], theirs[field], mine[field]];
    const theyChanged = !equals(b, t);
    const iChanged = !equals(b, m);
    let outcome: MergeOutcome = 'unchanged';
    if (theyChanged && iChanged) outcome = equals(t, m) ? 'same' : 'conflict';
    else if (theyChanged) outcome = 'theirs';
    else if (iChanged) outcome = 'mine';
    const merged = outcome === 'theirs' || outcome === 'unchanged' || outcome === 'same' ? t : m;
    return { field, base: b, theirs: t, mine: m, outcome, merged };
  });
}

export const conflictsOf = (merges: readonly FieldMerge[]) => merges.filter((m) => m.outcome === 'conflict');

/** The values after the merge: each field's merged value, with `chosen` for the conflicts. */
export function mergedValues(merges: readonly FieldMerge[], chosen: Values = {}): Values {
  return Object.fromEntries(merges.map((m) => [m.field, m.field in chosen ? chosen[m.field] : m.merged]));
}

/** The fields whose value differs from `from`: what a retry against that copy has to send. */
export function changedFields<F extends string>(fields: readonly F[], from: Values, to: Values, equals: Equals = sameValue): F[] {
  return fields.filter((f) => !equals(from[f], to[f]));
}
