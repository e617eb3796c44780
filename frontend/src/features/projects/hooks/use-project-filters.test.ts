import { describe, expect, it } from 'vitest';

import { parseProjectParams, toSearchParams } from './use-project-filters';

describe('project list URL params', () => {
  it('round-trips every filter', () => {
    const params = {
      status: ['active', 'on_hold'],
      health: ['at_risk'],
      tag: [3, 7],
      owner: 4,
      member: 9,
      due_after: '2026-12-01',
      due_before: '2027-01-31',
      overdue: true,
      progress_min: 25,
      progress_max: 49,
      q: 'checkout',
      ordering: '-due_date',
      page: 3,
      page_size: 25,
    };
    expect(parseProjectParams(toSearchParams(params))).toEqual(params);
  });

  it('drops values the API would refuse instead of sending them', () => {
    const parsed = parseProjectParams(
      new URLSearchParams('status=bogus&status=active&health=meh&tag=-1&tag=abc&owner=0&due_before=tomorrow&ordering=password&page=1&page_size=7&overdue=yes'),
    );
    expect(parsed).toEqual({ status: ['active'] });
  });

  it('keeps repeated tags in order, once each', () => {
    const search = toSearchParams({ tag: [7, 3] });
    expect(search.toString()).toBe('tag=7&tag=3');
    expect(parseProjectParams(new URLSearchParams('tag=7&tag=3&tag=7')).tag).toEqual([7, 3]);
    const many = new URLSearchParams(Array.from({ length: 80 }, (_, i) => ['tag', String(i + 1)]));
    expect(parseProjectParams(many).tag).toHaveLength(50);
  });

  it('drops people, dates and progress bounds the API would refuse', () => {
    const parsed = parseProjectParams(
      new URLSearchParams(
        'owner=1.5&member=-3&due_after=2026-02-30&due_before=0000-01-01&progress_min=101&progress_max=4.5&tag=1e3&overdue=1',
      ),
    );
    expect(parsed).toEqual({});
    expect(parseProjectParams(new URLSearchParams('owner=99999999999999999999')).owner).toBeUndefined();
    expect(parseProjectParams(new URLSearchParams('due_after=2028-02-29&due_before=2027-02-29'))).toEqual({ due_after: '2028-02-29' });
  });

  it('takes a dashboard progress band as it is linked, bounds 0 and 100 included', () => {
    expect(parseProjectParams(new URLSearchParams('status=active&progress_min=25&progress_max=49'))).toEqual({
      status: ['active'],
      progress_min: 25,
      progress_max: 49,
    });
    expect(parseProjectParams(new URLSearchParams('progress_min=0&progress_max=100'))).toEqual({ progress_min: 0, progress_max: 100 });
  });

  it('caps the search text at the API limit and ignores blank searches', () => {
    expect(parseProjectParams(new URLSearchParams(`q=${'a'.repeat(300)}`)).q).toHaveLength(200);
    expect(parseProjectParams(new URLSearchParams('q=%20%20')).q).toBeUndefined();
    expect(parseProjectParams(new URLSearchParams('q=a%00b%0Ac')).q).toBe('a b c');
  });
});
