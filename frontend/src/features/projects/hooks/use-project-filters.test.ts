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

  it('caps the search text at the API limit and ignores blank searches', () => {
    expect(parseProjectParams(new URLSearchParams(`q=${'a'.repeat(300)}`)).q).toHaveLength(200);
    expect(parseProjectParams(new URLSearchParams('q=%20%20')).q).toBeUndefined();
  });
});
