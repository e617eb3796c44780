import { describe, expect, it } from 'vitest';

import { formatDate, formatDateTime, formatPercent, formatShortDate } from '@/lib/format';
import { makeActivity } from '@/testing/mocks/project-detail';

import { activitySentence, changeLines, formatValue } from './activity-format';

const now = new Date(2026, 10, 20); // 20 Nov 2026
const people = new Map([[5, 'Lee Dev']]);

describe('formatValue', () => {
  it('reads dates short within this year and with the year otherwise', () => {
    expect(formatValue('due_date', '2026-12-01', people, now)).toBe(formatShortDate('2026-12-01', now));
    expect(formatValue('due_date', '2027-01-15', people, now)).toBe(formatDate('2027-01-15'));
    expect(formatValue('deleted_at', '2026-11-02T10:00:00Z', people, now)).toBe(formatDateTime('2026-11-02T10:00:00Z', now));
    // jsdom's locale is en-US.
    expect(formatValue('start_date', '2025-12-15', people, now)).toBe('Dec 15, 2025');
    expect(formatValue('start_date', '2026-12-15', people, now)).toBe('Dec 15');
    expect(formatValue('deleted_at', new Date(2025, 10, 2, 10).toISOString(), people, now)).toMatch(/^Nov 2, 2025/);
  });

  it('reads percentages, people, statuses, health and empty values', () => {
    expect(formatValue('progress', 40, people, now)).toBe(formatPercent(40));
    expect(formatValue('allocation', 100, people, now)).toBe(formatPercent(100));
    expect(formatValue('assignee_id', 5, people, now)).toBe('Lee Dev');
    expect(formatValue('assignee_id', 9, people, now)).toBe('person #9');
    expect(formatValue('status', 'on_hold', people, now)).toBe('On hold');
    expect(formatValue('role', 'qa', people, now)).toBe('QA');
    expect(formatValue('health', 'off_track', people, now)).toBe('Off track');
    expect(formatValue('weight', 3, people, now)).toBe('3');
    expect(formatValue('due_date', null, people, now)).toBe('—');
    expect(formatValue('tags', [], people, now)).toBe('—');
    expect(formatValue('tags', ['finance', 'q4'], people, now)).toBe('finance, q4');
    expect(formatValue('description', 'x'.repeat(100), people, now)).toHaveLength(80);
  });
});

describe('activitySentence', () => {
  it('says what happened, naming the milestone or person', () => {
    expect(activitySentence(makeActivity({ verb: 'project.transitioned', metadata: { transition: 'hold' } }))).toBe('put the project on hold');
    expect(activitySentence(makeActivity({ verb: 'milestone.created', metadata: { title: 'Beta' } }))).toBe('added milestone “Beta”');
    expect(activitySentence(makeActivity({ verb: 'member.removed', metadata: { user_name: 'Lee Dev' } }))).toBe('removed Lee Dev from the team');
    expect(activitySentence(makeActivity({ verb: 'bulk.completed' }))).toBe('bulk completed');
  });
});

describe('changeLines', () => {
  it('shows before → after for an update, and the knock-on on the project', () => {
    const a = makeActivity({
      verb: 'milestone.updated',
      changes: { due_date: ['2026-12-01', '2026-12-15'], assignee_id: [null, 5] },
      metadata: { title: 'Beta', project_changes: { progress: [40, 55] } },
    });
    expect(changeLines(a, people, now)).toEqual([
      { field: 'due_date', label: 'Due date', before: formatShortDate('2026-12-01', now), after: formatShortDate('2026-12-15', now) },
      { field: 'assignee_id', label: 'Assignee', before: '—', after: 'Lee Dev' },
      { field: 'project.progress', label: 'Project progress', before: formatPercent(40), after: formatPercent(55) },
    ]);
  });

  it('shows only what was set for an addition, nothing for a removal', () => {
    const added = makeActivity({ verb: 'member.added', changes: { user_id: [null, 5], role: [null, 'developer'], allocation: [null, 30] } });
    expect(changeLines(added, people, now).map((l) => `${l.label}: ${l.after}`)).toEqual(['Role: Developer', `Allocation: ${formatPercent(30)}`]);
    expect(changeLines(makeActivity({ verb: 'member.removed', changes: { role: ['developer', null] } }), people, now)).toEqual([]);
  });
});
