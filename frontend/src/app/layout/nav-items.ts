export const navItems = [
  { to: '/', label: 'Dashboard', shortcut: 'g d', end: true },
  { to: '/projects', label: 'Projects', shortcut: 'g p', end: false },
  { to: '/notifications', label: 'Notifications', shortcut: 'g n', end: false },
  { to: '/trash', label: 'Trash', shortcut: 'g t', end: false },
] as const;
