import { act, render } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { commandScore, getCommands, matchCommands, useCommands, type Command } from '@/lib/commands';

const command = (id: string, title: string, extra: Partial<Command> = {}): Command => ({ id, title, group: 'Go to', run: () => {}, ...extra });

describe('matchCommands', () => {
  const commands = [
    command('go.dashboard', 'Go to dashboard'),
    command('go.projects', 'Go to projects'),
    command('project.new', 'New project', { group: 'Create', keywords: ['create', 'add'] }),
    command('theme.toggle', 'Toggle dark mode', { group: 'Preferences', keywords: ['theme', 'night'] }),
    command('project.milestone.new', 'New milestone', { group: 'This project', scope: 'page' }),
  ];

  it('keeps everything, in order, for an empty query', () => {
    expect(matchCommands(commands, '  ').map((c) => c.id)).toEqual(commands.map((c) => c.id));
  });

  it('needs every word somewhere in the title, group or keywords, case-insensitively', () => {
    expect(matchCommands(commands, 'PROJ').map((c) => c.id)).toEqual(['go.projects', 'project.new', 'project.milestone.new']);
    expect(matchCommands(commands, 'night').map((c) => c.id)).toEqual(['theme.toggle']);
    expect(matchCommands(commands, 'dark projects')).toEqual([]);
    expect(matchCommands(commands, 'zebra')).toEqual([]);
  });

  const [, goProjects, newProject, darkMode] = commands as [Command, Command, Command, Command, Command];

  it('ranks a title starting with the query first, then titles whose words start with the typed words', () => {
    expect(matchCommands(commands, 'new').map((c) => c.id)).toEqual(['project.new', 'project.milestone.new']);
    // "add" is only a keyword of New project: it still matches, after title matches.
    expect(commandScore(newProject, 'new project')).toBe(4);
    expect(commandScore(goProjects, 'go proj')).toBe(3);
    expect(commandScore(darkMode, 'ark')).toBe(2);
    expect(commandScore(newProject, 'add')).toBe(1);
    expect(matchCommands(commands, 'dark').map((c) => c.id)).toEqual(['theme.toggle']);
  });
});

function Page({ title, onRun }: { title: string; onRun: (title: string) => void }) {
  useCommands([command('page.action', title, { scope: 'page', run: () => onRun(title) })]);
  return null;
}

function Harness({ onRun }: { onRun: (title: string) => void }) {
  const [shown, setShown] = useState(true);
  const [title, setTitle] = useState('First title');
  useCommands([command('go.dashboard', 'Go to dashboard')]);
  return (
    <>
      {shown && <Page title={title} onRun={onRun} />}
      <button type="button" onClick={() => setShown((s) => !s)}>
        toggle
      </button>
      <button type="button" onClick={() => setTitle('Second title')}>
        rename
      </button>
    </>
  );
}

describe('useCommands', () => {
  it('registers while mounted, page commands first, and unregisters on unmount', () => {
    const onRun = vi.fn();
    const { getByText, unmount } = render(<Harness onRun={onRun} />);
    expect(getCommands().map((c) => c.id)).toEqual(['page.action', 'go.dashboard']);
    act(() => getByText('toggle').click());
    expect(getCommands().map((c) => c.id)).toEqual(['go.dashboard']);
    act(() => getByText('toggle').click());
    expect(getCommands().map((c) => c.id)).toEqual(['page.action', 'go.dashboard']);
    unmount();
    expect(getCommands()).toEqual([]);
  });

  it('follows a changed title, and run calls the latest closure', () => {
    const onRun = vi.fn();
    const { getByText } = render(<Harness onRun={onRun} />);
    const before = getCommands();
    act(() => getByText('rename').click());
    const after = getCommands();
    expect(after).not.toBe(before);
    expect(after.find((c) => c.id === 'page.action')?.title).toBe('Second title');
    act(() => after.find((c) => c.id === 'page.action')?.run());
    expect(onRun).toHaveBeenCalledWith('Second title');
  });
});
