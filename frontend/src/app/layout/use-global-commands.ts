import { useNavigate } from 'react-router';

import { useCommands } from '@/lib/commands';
import { resolvedDark, useUiStore } from '@/stores/ui-store';

import { navItems } from './nav-items';

/** What the palette offers everywhere: the pages, a new project, dark mode, the shortcut help. */
export function useGlobalCommands() {
  const navigate = useNavigate();
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const setShortcutsOpen = useUiStore((s) => s.setShortcutsOpen);
  const dark = resolvedDark(theme);
  useCommands([
    ...navItems.map((item) => ({
      id: `go.${item.label.toLowerCase()}`,
      title: `Go to ${item.label.toLowerCase()}`,
      group: 'Go to',
      hint: item.shortcut,
      keywords: [item.label],
      run: () => navigate(item.to),
    })),
    { id: 'go.profile', title: 'Go to profile', group: 'Go to', keywords: ['account', 'password', 'email', 'settings'], run: () => navigate('/profile') },
    { id: 'project.new', title: 'New project', group: 'Create', hint: 'n', keywords: ['create', 'add'], run: () => navigate('/projects/new') },
    {
      id: 'theme.toggle',
      title: 'Toggle dark mode',
      group: 'Preferences',
      hint: dark ? 'Now dark' : 'Now light',
      keywords: ['theme', 'light', 'night', 'colour', 'color'],
      run: () => setTheme(dark ? 'light' : 'dark'),
    },
    { id: 'help.shortcuts', title: 'Show keyboard shortcuts', group: 'Preferences', hint: '?', keywords: ['help', 'keys', 'hotkeys'], run: () => setShortcutsOpen(true) },
  ]);
}
