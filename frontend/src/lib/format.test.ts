import { describe, expect, it } from 'vitest';

import { formatDate, formatDateTime, formatShortDate } from './format';

// jsdom's navigator.language is en-US: "Dec 15", "Dec 15, 2025".
const now = new Date(2026, 10, 20, 12, 0); // 20 Nov 2026, local time

describe('formatShortDate', () => {
  it('leaves the year out in the current year and shows it in any other', () => {
    expect(formatShortDate('2026-12-15', now)).toBe('Dec 15');
    expect(formatShortDate('2025-12-15', now)).toBe('Dec 15, 2025');
    expect(formatShortDate('2027-01-15', now)).toBe('Jan 15, 2027');
  });

  it('keeps empty and unreadable values as they were', () => {
    expect(formatShortDate(null, now)).toBe('—');
    expect(formatShortDate('someday', now)).toBe('someday');
  });
});

describe('formatDateTime', () => {
  it('shows the year of a moment in another year, by its local date', () => {
    const lastYear = new Date(2025, 10, 2, 10, 0).toISOString();
    expect(formatDateTime(lastYear, now)).toBe(formatDate(lastYear, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }));
    expect(formatDateTime(lastYear, now)).toContain('2025');
    // Just after midnight on 1 January, local time: this year, whatever the UTC date says.
    const newYear = new Date(2026, 0, 1, 0, 30).toISOString();
    expect(formatDateTime(newYear, now)).not.toMatch(/202[56]/);
    expect(formatDateTime(newYear, now)).toContain('Jan 1');
  });
});
