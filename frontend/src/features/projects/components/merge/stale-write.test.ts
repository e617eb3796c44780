import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-error';
import { makeProject } from '@/testing/fixtures';
import { makeMember } from '@/testing/mocks/project-detail';

import { changeSentence, changerName, changerOf, currentOf, memberChanges, projectChanges } from './stale-write';

const stale = (current: unknown) => new ApiError(412, { code: 'precondition_failed', message: 'Changed.', details: { current, etag: '"x"' } });

describe('what a one-click 412 says changed', () => {
  it('names each changed field with its new value, people by name, and nothing that did not change', () => {
    const before = makeProject();
    const after = makeProject({ version: 4, status: 'on_hold', owner: { id: 8, name: 'Ada Lovelace', email: 'ada@pulse.example' }, description: 'Long new text' });
    expect(projectChanges(before, after).map((l) => l.text)).toEqual(['status to On hold', 'owner to Ada Lovelace', 'description to new text']);
    expect(projectChanges(before, makeProject({ version: 4 }))).toEqual([]);
    expect(memberChanges(makeMember(), makeMember({ version: 2, role: 'qa', allocation: 20 })).map((l) => l.text)).toEqual(['role to QA', 'allocation to 20%']);
  });

  it('reads as one sentence, with someone for an unknown author and a plain note for no visible change', () => {
    const lines = [
      { field: 'status', text: 'status to On hold' },
      { field: 'title', text: 'title to Beta' },
      { field: 'progress', text: 'progress to 40%' },
    ];
    expect(changeSentence('Ada Lovelace', lines, 'it')).toBe('Ada Lovelace changed status to On hold, title to Beta and progress to 40%.');
    expect(changeSentence(null, lines.slice(0, 1), 'it')).toBe('Someone changed status to On hold.');
    expect(changeSentence(null, [], 'it')).toBe('Someone saved it meanwhile.');
  });

  it('takes the 412 body only for the same object', () => {
    const mine = makeProject();
    const theirs = makeProject({ version: 4, etag: '"project-1-v4"' });
    expect(currentOf(stale(theirs), mine)).toEqual(theirs);
    expect(currentOf(stale(makeProject({ id: 2 })), mine)).toBeNull();
    expect(currentOf(stale(undefined), mine)).toBeNull();
    expect(currentOf(new ApiError(403, { code: 'permission_denied', message: 'No.', details: {} }), mine)).toBeNull();
  });

  it('takes who changed it from the 412 itself, and nobody when it does not say', () => {
    const said = (details: Record<string, unknown>) => new ApiError(412, { code: 'precondition_failed', message: 'Changed.', details: { current: {}, etag: '"x"', ...details } });
    const ada = said({ changed_by: { id: 8, name: 'Ada Lovelace' }, changed_fields: ['status', 'title'] });
    expect(changerOf(ada)).toEqual({ id: 8, name: 'Ada Lovelace' });
    expect(changerName(changerOf(ada), 1)).toBe('Ada Lovelace');
    expect(changerName(changerOf(ada), 8)).toBe('You'); // the reader, in another tab
    expect(changerName(null, 8)).toBeNull();
    expect(ada.changedFields).toEqual(['status', 'title']);
    expect(changerOf(said({ changed_by: null, changed_fields: [] }))).toBeNull();
    expect(changerOf(said({ changed_by: { id: 8 } }))).toBeNull(); // not the shape: nobody named
    expect(said({}).changedFields).toEqual([]);
    expect(changerOf(new ApiError(409, { code: 'conflict', message: 'No.', details: { changed_by: { id: 8, name: 'Ada' } } }))).toBeNull();
  });
});
