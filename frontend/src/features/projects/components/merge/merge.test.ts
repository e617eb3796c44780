import { describe, expect, it } from 'vitest';

import { changedFields, conflictsOf, mergedValues, mergeFields, sameValue } from './merge';

const tag = (id: number, name = `t${id}`) => ({ id, name, colour: '#000' });

describe('mergeFields', () => {
  // Every combination of who changed a field: nobody, them, me, both alike, both differently.
  it.each([
    ['unchanged', 'a', 'a', 'a', 'a'],
    ['theirs', 'a', 'b', 'a', 'b'],
    ['mine', 'a', 'a', 'c', 'c'],
    ['same', 'a', 'b', 'b', 'b'],
    ['conflict', 'a', 'b', 'c', 'c'],
  ] as const)('%s: base %s, theirs %s, mine %s → %s', (outcome, base, theirs, mine, merged) => {
    const [m] = mergeFields(['title'], { title: base }, { title: theirs }, { title: mine });
    expect(m).toEqual({ field: 'title', base, theirs, mine, outcome, merged });
  });

  it('merges each field on its own and lists only the conflicts as such', () => {
    const merges = mergeFields(
      ['title', 'description', 'progress', 'due_date'],
      { title: 'A', description: 'd', progress: 10, due_date: '' },
      { title: 'A2', description: 'd', progress: 20, due_date: '2027-01-01' },
      { title: 'A', description: 'mine', progress: 30, due_date: '2027-01-01' },
    );
    expect(merges.map((m) => m.outcome)).toEqual(['theirs', 'mine', 'conflict', 'same']);
    expect(conflictsOf(merges).map((m) => m.field)).toEqual(['progress']);
    expect(mergedValues(merges)).toEqual({ title: 'A2', description: 'mine', progress: 30, due_date: '2027-01-01' });
    expect(mergedValues(merges, { progress: 20 })).toEqual({ title: 'A2', description: 'mine', progress: 20, due_date: '2027-01-01' });
  });

  it('compares tags as sets of ids and people by id; an empty date is no date', () => {
    expect(sameValue([tag(1), tag(2)], [tag(2, 'renamed'), tag(1)])).toBe(true);
    expect(sameValue([tag(1)], [tag(1), tag(2)])).toBe(false);
    expect(sameValue({ id: 3, name: 'Sam' }, { id: 3, name: 'Sam L.' })).toBe(true);
    expect(sameValue({ id: 3 }, { id: 4 })).toBe(false);
    expect(sameValue('', null)).toBe(true);
    expect(sameValue(0, '')).toBe(false);
    const [m] = mergeFields(['tags'], { tags: [tag(1)] }, { tags: [tag(1), tag(2)] }, { tags: [tag(1)] });
    expect(m?.outcome).toBe('theirs');
  });

  it('says which fields a retry against their copy must send', () => {
    const theirs = { title: 'A2', description: 'd', progress: 20 };
    expect(changedFields(['title', 'description', 'progress'], theirs, { title: 'A2', description: 'mine', progress: 20 })).toEqual(['description']);
  });
});
